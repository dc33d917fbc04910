package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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

  /** Median of the server's {@code took} and of the client's round trip over the repeats, and the answer (the same every time). */
  record Timing(double tookMillis, double roundTripMillis, TopEdges answer) {}

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

  /** Runs the query {@code repeats} times with the request cache off, so every run aggregates. */
  Timing time(ElasticsearchCalls calls, int repeats) {
    List<Long> took = new ArrayList<>();
    List<Double> roundTrips = new ArrayList<>();
    TopEdges answer = null;
    for (int i = 0; i < repeats; i++) {
      long begin = System.nanoTime();
      JsonNode response = calls.call("POST", "/" + index + "/_search?request_cache=false", body());
      roundTrips.add((System.nanoTime() - begin) / 1e6);
      took.add(response.path("took").asLong());
      TopEdges current = TopEdges.from(response);
      if (answer != null && !answer.differencesFrom(current).isEmpty()) {
        throw new IllegalStateException("the same query on " + index + " answered differently: " + answer.differencesFrom(current));
      }
      answer = current;
    }
    return new Timing(median(took.stream().map(Long::doubleValue).toList()), median(roundTrips), answer);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
