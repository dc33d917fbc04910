package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.bench.Median;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * "Top 10 service edges by bytes over the last {@code range}", the question a Kibana user asks
 * most: a terms aggregation over {@code flowtel.edge.name} ordered by the sum of {@code
 * network.bytes}, in {@code [end - range, end)}. The same body runs on both indices; only the
 * filter that picks what counts differs (raw: the observation point that counts each packet once;
 * aggregates: the base windows, not their rollups). Ranges end on a window boundary, so both
 * count exactly the same flows: a flow is in its window by its end, which is its raw timestamp.
 */
record TopEdgesQuery(String index, Map<String, Object> countedFilter, Duration range, Instant end, int size) {

  /**
   * Medians over the repeats: the server's {@code took} of one search, the server's time per search
   * timed over a batch, the client's round trip; and the answer (the same every time).
   */
  record Timing(double tookMillis, double serverMillis, double roundTripMillis, TopEdges answer) {}

  /**
   * Searches per timed batch. {@code took} counts whole milliseconds, too coarse for an answer in 3;
   * a batch of this many run one after another in one _msearch times each to a twentieth of one.
   */
  static final int BATCH = 20;

  static Map<String, Object> rawFilter() {
    return Map.of("term", Map.of(RawFlowDocuments.COUNTED_FIELD, true));
  }

  static Map<String, Object> windowFilter(Duration window) {
    return Map.of("term", Map.of("event.duration", window.toNanos()));
  }

  Map<String, Object> body() {
    return Map.of("size", 0, "track_total_hits", false,
        "query", Map.of("bool", Map.of("filter", List.of(
            Map.of("range", Map.of("@timestamp", Map.of("gte", end.minus(range).toString(), "lt", end.toString()))),
            countedFilter))),
        "aggs", Map.of("edges", Map.of(
            "terms", Map.of("field", RawFlowDocuments.EDGE_FIELD, "size", size, "order", Map.of("bytes", "desc")),
            "aggs", Map.of("bytes", Map.of("sum", Map.of("field", "network.bytes"))))));
  }

  /** Runs the query untimed in batches of {@link #BATCH}, as {@link #time} does, for at least {@code warmUp} (one batch at least). */
  void warmUp(ElasticsearchCalls calls, Duration warmUp) {
    long until = System.nanoTime() + warmUp.toNanos();
    do {
      batch(calls);
    } while (System.nanoTime() < until);
  }

  /**
   * Runs the query {@code repeats} times alone, then {@code repeats} batches of {@link #BATCH} copies
   * in one _msearch each, one search at a time ({@code max_concurrent_searches=1}); the request cache
   * is off throughout, so every search aggregates. A batch's {@code took} spans its searches from the
   * first one's start to the last one's end, so divided by the batch it resolves the server's time per
   * search below whole milliseconds. It is not a lone search's time: for a query of about a millisecond
   * it came out a quarter below a lone search's {@code took} (0.75 ms against 1, which Elasticsearch
   * truncates from [1, 2)), so a lone search's {@code took} is kept beside it to bound the ratio.
   */
  Timing time(ElasticsearchCalls calls, int repeats) {
    List<Double> took = new ArrayList<>();
    List<Double> roundTrips = new ArrayList<>();
    TopEdges answer = null;
    for (int i = 0; i < repeats; i++) {
      long begin = System.nanoTime();
      JsonNode response = calls.call("POST", "/" + index + "/_search?request_cache=false", body());
      roundTrips.add((System.nanoTime() - begin) / 1e6);
      took.add(response.path("took").asDouble());
      answer = sameAnswer(answer, TopEdges.from(response));
    }
    List<Double> perSearch = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      JsonNode response = batch(calls);
      for (JsonNode one : response.path("responses")) {
        answer = sameAnswer(answer, TopEdges.from(one));
      }
      perSearch.add(response.path("took").asDouble() / BATCH);
    }
    return new Timing(Median.of(took), Median.of(perSearch), Median.of(roundTrips), answer);
  }

  /** {@link #BATCH} copies of the query in one _msearch, run one after another; every one checked for an error. */
  private JsonNode batch(ElasticsearchCalls calls) {
    List<Object> lines = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      lines.add(Map.of("index", index, "request_cache", false));
      lines.add(body());
    }
    JsonNode response = calls.callLines("POST", "/_msearch?max_concurrent_searches=1", lines);
    JsonNode responses = response.path("responses");
    if (responses.size() != BATCH) {
      throw new IllegalStateException("_msearch on " + index + " answered " + responses.size() + " of " + BATCH + " searches");
    }
    for (JsonNode one : responses) {
      if (one.has("error")) {
        throw new IllegalStateException("a search of the _msearch on " + index + " failed: " + one.path("error"));
      }
    }
    return response;
  }

  private TopEdges sameAnswer(TopEdges before, TopEdges now) {
    if (before != null && !before.differencesFrom(now).isEmpty()) {
      throw new IllegalStateException("the same query on " + index + " answered differently: " + before.differencesFrom(now));
    }
    return now;
  }
}
