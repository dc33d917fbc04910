package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.http.HttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/** The few REST calls the bench makes besides bulk writes: index settings, refresh, merge, counts, stats, searches. */
final class ElasticsearchCalls {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final ContentType NDJSON = ContentType.create("application/x-ndjson", java.nio.charset.StandardCharsets.UTF_8);
  private final RestClient rest;

  ElasticsearchCalls(RestClient rest) {
    this.rest = rest;
  }

  JsonNode call(String method, String path, Object body) {
    try {
      return perform(new Request(method, path), body == null ? null
          : new NStringEntity(body instanceof String text ? text : JSON.writeValueAsString(body), ContentType.APPLICATION_JSON));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
    }
  }

  /** {@code lines} as one newline-delimited JSON body (_msearch, _bulk), each line a JSON value. */
  JsonNode callLines(String method, String path, List<?> lines) {
    StringBuilder body = new StringBuilder();
    try {
      for (Object line : lines) {
        body.append(JSON.writeValueAsString(line)).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
    }
    return perform(new Request(method, path), new NStringEntity(body.toString(), NDJSON));
  }

  private JsonNode perform(Request request, HttpEntity body) {
    String method = request.getMethod();
    String path = request.getEndpoint();
    try {
      if (body != null) {
        request.setEntity(body);
      }
      Response response = rest.performRequest(request);
      String text = response.getEntity() == null ? "{}" : EntityUtils.toString(response.getEntity());
      return JSON.readTree(text);
    } catch (ResponseException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
    }
  }

  long count(String index) {
    return call("GET", "/" + index + "/_count", null).path("count").asLong();
  }

  void refresh(String index) {
    call("POST", "/" + index + "/_refresh", null);
  }

  /**
   * Merges each shard into one segment, so store sizes compare data, not merge schedules. Run as a
   * task and waited for: merging millions of raw flows outlasts the client's 30 s socket timeout.
   */
  void forceMerge(String index) throws InterruptedException {
    String task = call("POST", "/" + index + "/_forcemerge?max_num_segments=1&wait_for_completion=false", null).path("task").asText();
    while (!call("GET", "/_tasks/" + task, null).path("completed").asBoolean()) {
      Thread.sleep(500);
    }
  }

  /** Bytes on disk of the primaries of every index {@code index} names. */
  long storeBytes(String index) {
    return call("GET", "/" + index + "/_stats/store", null).path("_all").path("primaries").path("store").path("size_in_bytes").asLong();
  }
}
