package dev.flowtel.console.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What a panel's request returned, flattened to the rows of Kibana's data table: one row per
 * innermost bucket with the keys of every bucket above it and its metrics (a saved search: one
 * row per hit).
 *
 * @param totalHits the documents the panel's query and time filter matched
 */
public record PanelAnswer(List<Row> rows, long totalHits) {

  public PanelAnswer {
    rows = List.copyOf(rows);
  }

  /**
   * One row.
   *
   * @param keys bucket agg id to the bucket's key ({@code key_as_string} for dates), outermost first;
   *     for a hit, {@code _id}
   * @param metrics metric agg id to its value, null when Elasticsearch computed none (an average of nothing); a
   *     percentiles agg gives one value per percent, named as Kibana names them ({@code 1.50}, {@code 1.99}, {@code 1.99.9})
   * @param count the row's documents: what a Kibana count metric shows
   */
  public record Row(Map<String, String> keys, Map<String, Double> metrics, long count) {

    public Row {
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public String key(String aggId) {
      return keys.get(aggId);
    }

    public OptionalDouble metric(String aggId) {
      Double value = metrics.get(aggId);
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }

  /** The answer to {@code request}: the response read with the aggregation tree the request asked for. */
  public static PanelAnswer of(PanelRequest request, JsonNode response) {
    long total = response.path("hits").path("total").path("value").asLong();
    List<Row> rows = new ArrayList<>();
    JsonNode aggs = request.body().path("aggs");
    if (request.body().path("size").asInt() > 0) {
      for (JsonNode hit : response.path("hits").path("hits")) {
        rows.add(new Row(Map.of("_id", hit.path("_id").asText()), Map.of(), 1));
      }
    } else if (total > 0) {
      flatten(aggs, response.path("aggregations"), new LinkedHashMap<>(), total, rows);
    }
    return new PanelAnswer(rows, total);
  }

  /** The sum of a metric over every row that has it. */
  public double sum(String metricAggId) {
    return rows.stream().mapToDouble(r -> r.metric(metricAggId).orElse(0)).sum();
  }

  /**
   * The rows merged by one bucket's key, the metric summed: e.g. a per-interval, per-namespace
   * chart as one total per namespace.
   */
  public PanelAnswer summedBy(String keyAggId, String metricAggId) {
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, long[]> counts = new TreeMap<>();
    for (Row row : rows) {
      sums.computeIfAbsent(row.key(keyAggId), k -> new double[1])[0] += row.metric(metricAggId).orElse(0);
      counts.computeIfAbsent(row.key(keyAggId), k -> new long[1])[0] += row.count();
    }
    List<Row> merged = new ArrayList<>();
    sums.forEach((key, sum) -> merged.add(new Row(Map.of(keyAggId, key), Map.of(metricAggId, sum[0]), counts.get(key)[0])));
    return new PanelAnswer(merged, totalHits);
  }

  /** The documents behind every row (the sum of a count metric). */
  public long count() {
    return rows.stream().mapToLong(Row::count).sum();
  }

  private static void flatten(JsonNode requested, JsonNode answered, Map<String, String> keys, long count, List<Row> rows) {
    String bucketId = null;
    for (Map.Entry<String, JsonNode> agg : requested.properties()) {
      if (agg.getValue().has("terms") || agg.getValue().has("date_histogram")) {
        bucketId = agg.getKey();
      }
    }
    if (bucketId != null) {
      for (JsonNode bucket : answered.path(bucketId).path("buckets")) {
        Map<String, String> inner = new LinkedHashMap<>(keys);
        inner.put(bucketId, bucket.has("key_as_string") ? bucket.path("key_as_string").asText() : bucket.path("key").asText());
        flatten(requested.path(bucketId).path("aggs"), bucket, inner, bucket.path("doc_count").asLong(), rows);
      }
      return;
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> agg : requested.properties()) {
      JsonNode answer = answered.path(agg.getKey());
      if (agg.getValue().has("percentiles")) {
        // Keyed by the percent as Elasticsearch prints it ("50.0"); null when the bucket had no value.
        for (Map.Entry<String, JsonNode> percentile : answer.path("values").properties()) {
          JsonNode value = percentile.getValue();
          metrics.put(agg.getKey() + "." + percent(percentile.getKey()), value.isNumber() ? value.asDouble() : null);
        }
        continue;
      }
      JsonNode value = answer.path("value");
      metrics.put(agg.getKey(), value.isNumber() ? value.asDouble() : null);
    }
    rows.add(new Row(keys, metrics, count));
  }

  /** "50.0" as 50, "99.9" as 99.9: how Kibana writes a percent in a metric's id. */
  private static String percent(String key) {
    BigDecimal percent = new BigDecimal(key).stripTrailingZeros();
    return percent.scale() <= 0 ? percent.toBigInteger().toString() : percent.toPlainString();
  }
}
