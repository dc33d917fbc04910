package dev.flowtel.streams.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.query.FleetAnswer;
import dev.flowtel.streams.query.FleetQueries;
import dev.flowtel.streams.query.OpenAnomaly;
import dev.flowtel.streams.query.StoreQueries;
import dev.flowtel.streams.query.TopEdges;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP side (JDK server): {@code /health} (200 while Kafka Streams runs or rebalances,
 * 503 otherwise), {@code /metrics} (Prometheus text: the app's counters and every numeric Kafka
 * Streams metric), and the interactive queries {@code /edges/top} and {@code /anomalies/open} in
 * JSON: for the whole application ({@link FleetQueries}), or with {@code scope=local} from this
 * instance's state stores only ({@link StoreQueries}), which is what the instances ask each other.
 */
public final class StatusServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  /** Handler threads: a query for the whole application holds one while the others answer theirs. */
  private static final int THREADS = 8;

  private final HttpServer server;
  private final KafkaStreams streams;
  private final AppMetrics metrics;
  private final StoreQueries local;
  private final FleetQueries fleet;
  private final ObjectMapper json = new ObjectMapper();

  private StatusServer(HttpServer server, KafkaStreams streams, AppMetrics metrics, StoreQueries local, FleetQueries fleet) {
    this.server = server;
    this.streams = streams;
    this.metrics = metrics;
    this.local = local;
    this.fleet = fleet;
  }

  /**
   * Binds the port without serving yet: the bound port is part of the address the instance
   * advertises to the others ({@code application.server}), which Kafka Streams needs at creation.
   */
  public static HttpServer bind(String host, int port) throws IOException {
    try {
      return HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (java.net.BindException e) {
      throw new IOException("--http-port " + port + " on " + host + " is in use; pick another port (or -1 for no HTTP server)", e);
    }
  }

  /** Serves on a server from {@link #bind}; {@code fleet} answers the queries that are not {@code scope=local}. */
  public static StatusServer start(HttpServer server, KafkaStreams streams, AppMetrics metrics, StoreQueries local,
      FleetQueries fleet) {
    StatusServer status = new StatusServer(server, streams, metrics, local, fleet);
    server.createContext("/health", status::health);
    server.createContext("/metrics", status::metrics);
    server.createContext("/edges/top", status::topEdges);
    server.createContext("/anomalies/open", status::openAnomalies);
    // More than the CPUs: while a query waits for the other instances (at most the peer timeout),
    // the scope=local questions they put to this one in turn must still find a thread.
    server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
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
    int n;
    try {
      n = Integer.parseInt(params.getOrDefault("n", "10"));
    } catch (NumberFormatException e) {
      send(exchange, 400, "application/json", error("n=" + params.get("n") + ": not a number"));
      return;
    }
    if (n < 1 || n > 10_000) {
      send(exchange, 400, "application/json", error("n=" + n + ": expected 1 to 10000"));
      return;
    }
    String window = params.getOrDefault("window", "latest");
    answer(exchange, params, () -> local.topEdges(n, window).toJson(), () -> {
      FleetAnswer<TopEdges> fleetAnswer = fleet.topEdges(n, window);
      Map<String, Object> body = fleetAnswer.answer().toJson();
      body.put("partial", fleetAnswer.partial());
      body.put("failedInstances", fleetAnswer.failedInstances().entrySet().stream()
          .map(e -> failedInstance(e.getKey(), e.getValue())).toList());
      return fleetAnswer.map(any -> body);
    });
  }

  private static Map<String, String> failedInstance(String instance, String error) {
    Map<String, String> failed = new LinkedHashMap<>();
    failed.put("instance", instance);
    failed.put("error", error);
    return failed;
  }

  /** A JSON array, as before the answers covered the whole application: partial answers say so in headers. */
  private void openAnomalies(HttpExchange exchange) throws IOException {
    answer(exchange, params(exchange), () -> local.openAnomalies().stream().map(OpenAnomaly::toJson).toList(),
        () -> fleet.openAnomalies().map(open -> open.stream().map(OpenAnomaly::toJson).toList()));
  }

  /**
   * Answers from this instance's stores with {@code scope=local}, else for the whole application,
   * which needs the group settled: while partitions move between instances (REBALANCING) the
   * instances' shares may overlap or miss partitions, so the client is asked to retry.
   */
  private void answer(HttpExchange exchange, Map<String, String> params, Supplier<Object> localAnswer,
      Supplier<FleetAnswer<?>> fleetAnswer) throws IOException {
    String scope = params.getOrDefault("scope", "all");
    try {
      if (scope.equals("local")) {
        send(exchange, 200, "application/json", json.writeValueAsBytes(localAnswer.get()));
        return;
      }
      if (!scope.equals("all")) {
        send(exchange, 400, "application/json", error("scope=" + scope + ": expected all (the default) or local"));
        return;
      }
      KafkaStreams.State state = streams.state();
      if (state != KafkaStreams.State.RUNNING) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        send(exchange, 503, "application/json", error(state == KafkaStreams.State.REBALANCING
            ? "the application is rebalancing (partitions are moving between instances); retry shortly, or ask scope=local"
            : "state stores not queryable (" + state + "); retry shortly"));
        return;
      }
      FleetAnswer<?> answer = fleetAnswer.get();
      exchange.getResponseHeaders().set("Flowtel-Partial", Boolean.toString(answer.partial()));
      if (answer.partial()) {
        exchange.getResponseHeaders().set("Flowtel-Failed-Instances", String.join(", ", answer.failedInstances().keySet()));
        LOG.warn("partial answer to {}: {}", exchange.getRequestURI(), answer.failedInstances());
      }
      send(exchange, 200, "application/json", json.writeValueAsBytes(answer.answer()));
    } catch (IllegalArgumentException e) {
      send(exchange, 400, "application/json", error(e.getMessage()));
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException | IllegalStateException e) {
      exchange.getResponseHeaders().set("Retry-After", "1");
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
