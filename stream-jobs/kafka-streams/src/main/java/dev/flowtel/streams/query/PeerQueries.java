package dev.flowtel.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Puts this instance's queries to another instance over HTTP, with {@code scope=local} so that it
 * answers from its own stores only (no fan-out of its own). Each request gets the peer timeout.
 */
public final class PeerQueries implements FleetQueries.Remote, AutoCloseable {

  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService executor;
  private final HttpClient http;
  private final Duration timeout;

  public PeerQueries(Duration timeout) {
    this.timeout = timeout;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flowtel-streams-peer-queries");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
  }

  @Override
  public CompletableFuture<TopEdges> topEdges(HostInfo instance, int n, String window) {
    return get(instance, "/edges/top?n=" + n + "&window=" + URLEncoder.encode(window, StandardCharsets.UTF_8) + "&scope=local")
        .thenApply(TopEdges::fromJson);
  }

  @Override
  public CompletableFuture<List<OpenAnomaly>> openAnomalies(HostInfo instance) {
    return get(instance, "/anomalies/open?scope=local").thenApply(body -> {
      List<OpenAnomaly> open = new ArrayList<>();
      body.forEach(a -> open.add(OpenAnomaly.fromJson(a)));
      return open;
    });
  }

  private CompletableFuture<JsonNode> get(HostInfo instance, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + InstanceDirectory.authority(instance) + pathAndQuery))
        .timeout(timeout).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + response.statusCode() + " from " + pathAndQuery + ": " + response.body());
      }
      try {
        return json.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable answer to " + pathAndQuery + ": " + e.getMessage(), e);
      }
    }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
