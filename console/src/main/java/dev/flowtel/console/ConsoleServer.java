package dev.flowtel.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flowtel.console.anomaly.AnomalyFilter;
import dev.flowtel.console.anomaly.AnomalyQuery;
import dev.flowtel.console.live.LiveTraffic;
import dev.flowtel.console.live.LiveTrafficSettings;
import dev.flowtel.console.map.EdgeDetailQuery;
import dev.flowtel.console.map.EdgeVerdict;
import dev.flowtel.console.map.LiveMapQuery;
import dev.flowtel.console.map.MapFilter;
import dev.flowtel.console.map.MapMetric;
import dev.flowtel.console.map.ServiceMap;
import dev.flowtel.console.map.ServiceMapQuery;
import dev.flowtel.console.query.BadQueryException;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server: the page's three files from the classpath and its JSON API. Every
 * asset is served from here (no CDN: the machines Flowtel runs on may have no internet), and the
 * content security policy keeps the page from loading anything else. When Kafka is given, the live
 * range is drawn from the traffic topic's tail ({@link LiveTraffic}); every other range, and the
 * live one without Kafka, from Elasticsearch.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String WEB = "/dev/flowtel/console/web/";
  private static final Map<String, String> ASSETS = Map.of(
      "/", "index.html", "/index.html", "index.html", "/console.js", "console.js", "/console.css", "console.css");
  private static final String SECURITY_POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

  private final ObjectMapper json = new ObjectMapper();
  private final ConsoleSettings settings;
  private final ElasticsearchSearch search;
  private final String elasticsearchShown;
  private final AnomalyQuery anomalies;
  private final ServiceMapQuery maps;
  private final EdgeDetailQuery edges;
  /** Null when no Kafka was given: the live range is then read from Elasticsearch. */
  private final LiveTraffic live;
  private final LiveMapQuery liveMaps;
  private final HttpServer http;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

  private ConsoleServer(ConsoleSettings settings, RestClient rest, String elasticsearchShown) throws IOException {
    this.settings = settings;
    this.search = new ElasticsearchSearch(rest);
    this.elasticsearchShown = elasticsearchShown;
    this.anomalies = new AnomalyQuery(search, settings.indices(), settings.anomalyCooldown());
    this.maps = new ServiceMapQuery(search, settings.indices(), anomalies);
    this.edges = new EdgeDetailQuery(search, settings.indices(), anomalies);
    this.http = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 64);
    http.createContext("/", this::handle);
    http.setExecutor(requests);
    // Started last, so a port that is taken leaves no reader behind.
    try {
      this.live = settings.kafka() == null ? null : LiveTraffic.start(liveSettings(settings));
    } catch (RuntimeException e) {
      http.stop(0);
      throw e;
    }
    this.liveMaps = live == null ? null : new LiveMapQuery(live, anomalies);
  }

  /** The properties file's settings win over the bootstrap servers, as in every Flowtel program. */
  private static LiveTrafficSettings liveSettings(ConsoleSettings settings) {
    Map<String, Object> kafka = new HashMap<>(settings.kafkaProperties());
    kafka.putIfAbsent("bootstrap.servers", settings.kafka());
    return LiveTrafficSettings.of(kafka, settings.trafficTopic(), settings.clock());
  }

  /**
   * Serves the console until {@link #close()}. {@code rest} stays the caller's to close;
   * {@code elasticsearchShown} is how the page names it (a URL, never credentials).
   */
  public static ConsoleServer start(ConsoleSettings settings, RestClient rest, String elasticsearchShown) {
    try {
      ConsoleServer server = new ConsoleServer(settings, rest, elasticsearchShown);
      server.http.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the console on " + settings.bindAddress() + ":" + settings.port()
          + " (" + e.getMessage() + "); choose another with --console-port", e);
    }
  }

  /** Where the page is, e.g. {@code http://127.0.0.1:9470/}. */
  public URI url() {
    InetSocketAddress bound = http.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getHostString();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
  }

  @Override
  public void close() {
    http.stop(0);
    requests.shutdownNow();
    if (live != null) {
      live.close();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    // Closed after the catches: try-with-resources would close it before they could answer.
    try (exchange) {
      answer(exchange);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try {
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, error("only GET is served"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (ASSETS.containsKey(path)) {
        asset(exchange, ASSETS.get(path));
        return;
      }
      Map<String, String> query = parameters(exchange.getRequestURI().getRawQuery());
      Instant now = settings.clock().instant();
      Object answer = switch (path) {
        case "/api/overview" -> overview(now);
        case "/api/map" -> map(ConsoleRange.of(query.get("range")), mapFilter(query), now);
        case "/api/edge" -> edges.detail(query.get("id"), ConsoleRange.of(query.get("range")), now).orElse(null);
        case "/api/anomalies" -> anomalies.list(ConsoleRange.of(query.get("range")).endingAt(now),
            new AnomalyFilter(query.get("type"), query.get("severity"), integer(query, "limit", AnomalyFilter.DEFAULT_LIMIT)), now);
        default -> {
          send(exchange, 404, error("no such page: " + path));
          yield null;
        }
      };
      if (exchange.getResponseCode() != -1) {
        return;
      }
      if (answer == null) {
        send(exchange, 404, error("no traffic for edge " + query.get("id") + " in range " + ConsoleRange.of(query.get("range")).label()));
        return;
      }
      send(exchange, 200, json.writeValueAsBytes(answer));
    } catch (BadQueryException e) {
      send(exchange, 400, error(e.getMessage()));
    } catch (UncheckedIOException e) {
      LOG.warn("console request {} failed", exchange.getRequestURI(), e);
      send(exchange, 502, error("Elasticsearch at " + elasticsearchShown + ": " + e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("console request {} failed", exchange.getRequestURI(), e);
      send(exchange, 500, error(e.toString()));
    }
  }

  private ServiceMap map(ConsoleRange range, MapFilter filter, Instant now) {
    return range == ConsoleRange.LIVE && liveMaps != null ? liveMaps.map(filter, now) : maps.map(range, filter, now);
  }

  /** The namespaces seen in the last day's traffic, the newest window, and where the data comes from. */
  private ObjectNode overview(Instant now) {
    ObjectNode body = search.body();
    body.put("size", 0);
    body.putObject("query").putObject("range").putObject("@timestamp")
        .put("gte", now.minus(Duration.ofDays(1)).toString()).put("lt", now.toString());
    ObjectNode aggs = body.putObject("aggs");
    aggs.putObject("source_namespaces").putObject("terms").put("field", "flowtel.source.namespace").put("size", 1000);
    aggs.putObject("destination_namespaces").putObject("terms").put("field", "flowtel.destination.namespace").put("size", 1000);
    aggs.putObject("newest").putObject("max").put("field", "@timestamp");
    JsonNode answer = search.search(settings.indices().pattern(IndexNames.Kind.TRAFFIC), body).path("aggregations");
    TreeSet<String> namespaces = new TreeSet<>();
    for (String agg : List.of("source_namespaces", "destination_namespaces")) {
      answer.path(agg).path("buckets").forEach(b -> namespaces.add(b.path("key").asText()));
    }
    ObjectNode overview = json.createObjectNode();
    ArrayNode names = overview.putArray("namespaces");
    namespaces.forEach(names::add);
    ArrayNode ranges = overview.putArray("ranges");
    ConsoleRange.labels().forEach(ranges::add);
    overview.put("newestWindow", answer.path("newest").path("value_as_string").asText(null));
    ObjectNode sources = overview.putObject("sources");
    sources.put("elasticsearch", elasticsearchShown);
    // kafka is set exactly when the live range is read from the traffic topic.
    sources.put("kafka", live == null ? null : settings.kafka());
    sources.put("live", live == null ? "elasticsearch" : "kafka");
    if (live != null) {
      sources.put("liveTopic", live.topic());
      sources.put("liveUndecodable", live.undecodable());
    }
    return overview;
  }

  private static MapFilter mapFilter(Map<String, String> query) {
    String namespaces = query.get("namespace");
    String port = query.get("port");
    String verdict = query.get("verdict");
    return new MapFilter(namespaces == null || namespaces.isBlank() ? List.of() : Arrays.asList(namespaces.split(",")),
        query.get("workload"), port == null || port.isBlank() ? null : integer(query, "port", 0),
        verdict == null || verdict.isBlank() ? null : EdgeVerdict.of(verdict), MapMetric.of(query.get("metric")),
        integer(query, "limit", MapFilter.DEFAULT_LIMIT));
  }

  private static int integer(Map<String, String> query, String name, int otherwise) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new BadQueryException(name + " \"" + value + "\": expected a whole number");
    }
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      parameters.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private void asset(HttpExchange exchange, String file) throws IOException {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(WEB + file)) {
      if (in == null) {
        send(exchange, 404, error("asset missing from the build: " + file));
        return;
      }
      byte[] bytes = in.readAllBytes();
      String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
      exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private byte[] error(String message) {
    try {
      return json.writeValueAsBytes(Map.of("error", message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (exchange.getResponseCode() != -1) {
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
