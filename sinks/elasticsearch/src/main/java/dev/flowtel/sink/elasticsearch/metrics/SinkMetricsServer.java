package dev.flowtel.sink.elasticsearch.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flowtel.sink.elasticsearch.writer.WriterStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sink's Prometheus endpoint, {@code GET http://<host>:<port>/metrics}: the latency histograms
 * of {@link SinkLatency} and the writer's counters, in the text format (JDK HTTP server, one thread).
 */
public final class SinkMetricsServer implements AutoCloseable {

  private final HttpServer server;
  private final SinkLatency latency;
  private final Supplier<WriterStats> writer;

  private SinkMetricsServer(HttpServer server, SinkLatency latency, Supplier<WriterStats> writer) {
    this.server = server;
    this.latency = latency;
    this.writer = writer;
  }

  /** Serves on {@code port} (0: any free port) of every interface. */
  public static SinkMetricsServer start(int port, SinkLatency latency, Supplier<WriterStats> writer) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("--metrics-port " + port + ": cannot serve Prometheus metrics: " + e.getMessage()
          + " (is the port taken? give another, or -1 to serve none)", e);
    }
    SinkMetricsServer metrics = new SinkMetricsServer(server, latency, writer);
    server.createContext("/metrics", metrics::metrics);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "flowtel-sink-metrics");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    return metrics;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The exposition served at /metrics. */
  public String text() {
    StringBuilder out = new StringBuilder();
    latency.appendPrometheusText(out);
    WriterStats stats = writer.get();
    counter(out, "flowtel_sink_documents_written_total", "Documents Elasticsearch stored.", stats.written());
    counter(out, "flowtel_sink_documents_superseded_total", "Documents Elasticsearch already had at the same or a higher revision.",
        stats.superseded());
    counter(out, "flowtel_sink_documents_rejected_total", "Documents refused for their content, sent to the dead-letter topic.",
        stats.rejected());
    counter(out, "flowtel_sink_document_retries_total", "Document attempts that failed transiently and were sent again.", stats.retried());
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }

  private void metrics(HttpExchange exchange) throws IOException {
    byte[] body = text().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
