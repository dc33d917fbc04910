package dev.flowtel.console.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Search requests as JSON bodies, the same bodies a Kibana panel sends, so a query can be read,
 * logged and compared with the panel's. Missing indices answer empty rather than 404: a console
 * started before the first document is an empty map, not an error.
 */
public final class ElasticsearchSearch {

  private static final String KEEP_ALIVE = "2m";

  private final RestClient rest;
  private final ObjectMapper json = new ObjectMapper();
  /** Index pattern to point-in-time id, when pinned; null when every search sees the latest refresh. */
  private final Map<String, Optional<String>> pointsInTime;

  public ElasticsearchSearch(RestClient rest) {
    this(rest, null);
  }

  private ElasticsearchSearch(RestClient rest, Map<String, Optional<String>> pointsInTime) {
    this.rest = rest;
    this.pointsInTime = pointsInTime;
  }

  /**
   * A search whose every request on one index pattern sees the same data (an Elasticsearch point
   * in time, opened on first use), however much is written meanwhile: what a comparison of two
   * queries over a live pipeline needs. {@link #release()} it when done.
   */
  public ElasticsearchSearch pinned() {
    return new ElasticsearchSearch(rest, new ConcurrentHashMap<>());
  }

  /** Closes the points in time a {@link #pinned()} search opened; they would otherwise live out their keep-alive. */
  public void release() {
    if (pointsInTime == null) {
      return;
    }
    for (Optional<String> id : pointsInTime.values()) {
      if (id.isPresent()) {
        Request close = new Request("DELETE", "/_pit");
        close.setJsonEntity(json.createObjectNode().put("id", id.get()).toString());
        try {
          rest.performRequest(close);
        } catch (IOException e) {
          // it expires by itself after its keep-alive
        }
      }
    }
    pointsInTime.clear();
  }

  public ObjectNode body() {
    return json.createObjectNode();
  }

  public JsonNode search(String indexPattern, ObjectNode body) {
    if (pointsInTime == null) {
      return send(unpinned(indexPattern), body, indexPattern);
    }
    Optional<String> pointInTime = pointsInTime.computeIfAbsent(indexPattern, this::open);
    if (pointInTime.isEmpty()) {
      // No index yet: nothing to pin, and the answer is as empty as an unpinned search's.
      return send(unpinned(indexPattern), body, indexPattern);
    }
    ObjectNode pinnedBody = body.deepCopy();
    pinnedBody.putObject("pit").put("id", pointInTime.get()).put("keep_alive", KEEP_ALIVE);
    return send(new Request("POST", "/_search"), pinnedBody, indexPattern);
  }

  private Request unpinned(String indexPattern) {
    Request request = new Request("POST", "/" + indexPattern + "/_search");
    request.addParameter("ignore_unavailable", "true");
    request.addParameter("allow_no_indices", "true");
    return request;
  }

  private Optional<String> open(String indexPattern) {
    Request request = new Request("POST", "/" + indexPattern + "/_pit");
    request.addParameter("keep_alive", KEEP_ALIVE);
    request.addParameter("ignore_unavailable", "true");
    try {
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return Optional.of(json.readTree(in).path("id").asText());
      }
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return Optional.empty();
      }
      throw new UncheckedIOException("opening a point in time on " + indexPattern + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("opening a point in time on " + indexPattern + " failed: " + e.getMessage(), e);
    }
  }

  private JsonNode send(Request request, ObjectNode body, String indexPattern) {
    try {
      request.setJsonEntity(json.writeValueAsString(body));
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return json.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("search on " + indexPattern + " failed: " + e.getMessage(), e);
    }
  }
}
