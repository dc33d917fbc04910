package dev.flowtel.collector.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The collector's Prometheus endpoint: {@code GET http://<node>:<port>/metrics}. */
public final class MetricsServer implements AutoCloseable {

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /** Serves {@code metrics} on {@code port} (0: any free port). */
  public static MetricsServer start(CollectorMetrics metrics, int port) {
    try {
      return new MetricsServer(HTTPServer.builder().port(port).registry(metrics.registry()).buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("--metrics-port " + port + ": cannot serve Prometheus metrics: " + e.getMessage()
          + " (is the port taken? give another, or -1 to serve none)", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
