package dev.flowtel.streams.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flowtel.streams.app.AppMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP side (JDK server): {@code /health} (200 while Kafka Streams runs or rebalances,
 * 503 otherwise), {@code /metrics} (Prometheus text: the app's counters and every numeric Kafka
 * Streams metric), and the interactive queries {@code /edges/top} and {@code /anomalies/open},
 * answered in JSON from this instance's state stores ({@link StoreQueries}).
 */
public final class StatusServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

  private final HttpServer server;
  private final KafkaStreams streams;
  private final AppMetrics metrics;
  private final StoreQueries queries;
  private final ObjectMapper json = new ObjectMapper();

  private StatusServer(HttpServer server, KafkaStreams streams, AppMetrics metrics, Duration window) {
    this.server = server;
    this.streams = streams;
    this.metrics = metrics;
    this.queries = new StoreQueries(streams, window);
  }

  public static StatusServer start(String host, int port, KafkaStreams streams, AppMetrics metrics, Duration window)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (java.net.BindException e) {
      throw new IOException("--http-port " + port + " on " + host + " is in use; pick another port (or -1 for no HTTP server)", e);
    }
    StatusServer status = new StatusServer(server, streams, metrics, window);
    server.createContext("/health", status::health);
    server.createContext("/metrics", status::metrics);
    server.createContext("/edges/top", status::topEdges);
    server.createContext("/anomalies/open", status::openAnomalies);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "flowtel-streams-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return status;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void health(HttpExchange exchange) throws IOException {
    KafkaStreams.State state = streams.state();
    boolean healthy = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", healthy ? "UP" : "DOWN");
    body.put("state", state.name());
    send(exchange, healthy ? 200 : 503, "application/json", json.writeValueAsBytes(body));
  }

  private void metrics(HttpExchange exchange) throws IOException {
    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        PrometheusText.render(metrics, streams.metrics()).getBytes(StandardCharsets.UTF_8));
  }

  private void topEdges(HttpExchange exchange) throws IOException {
    Map<String, String> params = params(exchange);
    try {
      int n = Integer.parseInt(params.getOrDefault("n", "10"));
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("n=" + n + ": expected 1 to 10000");
      }
      answer(exchange, queries.topEdges(n, params.getOrDefault("window", "latest")));
    } catch (NumberFormatException e) {
      send(exchange, 400, "application/json", error("n=" + params.get("n") + ": not a number"));
    } catch (IllegalArgumentException e) {
      send(exchange, 400, "application/json", error(e.getMessage()));
    }
  }

  private void openAnomalies(HttpExchange exchange) throws IOException {
    answer(exchange, queries.openAnomalies());
  }

  private void answer(HttpExchange exchange, Object body) throws IOException {
    try {
      send(exchange, 200, "application/json", json.writeValueAsBytes(body));
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      send(exchange, 503, "application/json", error("state stores not queryable yet (" + streams.state() + "); retry shortly"));
    } catch (RuntimeException e) {
      LOG.warn("query {} failed", exchange.getRequestURI(), e);
      send(exchange, 500, "application/json", error(e.toString()));
    }
  }

  private byte[] error(String message) throws IOException {
    return json.writeValueAsBytes(Map.of("error", message));
  }

  private static Map<String, String> params(HttpExchange exchange) {
    Map<String, String> out = new HashMap<>();
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
