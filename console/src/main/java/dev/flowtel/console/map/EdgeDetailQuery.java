package dev.flowtel.console.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.anomaly.AnomalyFilter;
import dev.flowtel.console.anomaly.AnomalyQuery;
import dev.flowtel.console.anomaly.AnomalyView;
import dev.flowtel.console.query.BadQueryException;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.console.query.WindowSizes;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What the console shows when an edge is clicked, in one search over its windows. */
public final class EdgeDetailQuery {

  /** About this many points in a series, whatever the range: enough for a sparkline, few enough to send. */
  private static final int SERIES_POINTS = 60;

  private final ElasticsearchSearch search;
  private final IndexNames names;
  private final WindowSizes windowSizes;
  private final AnomalyQuery anomalies;

  public EdgeDetailQuery(ElasticsearchSearch search, IndexNames names, AnomalyQuery anomalies) {
    this.search = search;
    this.names = names;
    this.windowSizes = new WindowSizes(search, names);
    this.anomalies = anomalies;
  }

  /** The edge's detail, or empty when it had no traffic in the range. */
  public Optional<EdgeDetail> detail(String edgeId, ConsoleRange range, Instant now) {
    if (edgeId == null || edgeId.isBlank()) {
      throw new BadQueryException("id: the edge id (flowtel.edge.id) is required");
    }
    TimeSpan span = range.endingAt(now);
    OptionalLong windowNanos = windowSizes.forRange(range, span);
    if (windowNanos.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode body = search.body();
    body.put("size", 0);
    ArrayNode must = body.putObject("query").putObject("bool").putArray("filter");
    ServiceMapQuery.windowFilter(must, span, windowNanos.getAsLong());
    must.addObject().putObject("term").put("flowtel.edge.id", edgeId);
    ObjectNode aggs = body.putObject("aggs");
    sums(aggs);
    ArrayNode includes = aggs.putObject("about").putObject("top_hits").put("size", 1).putObject("_source").putArray("includes");
    for (String field : ServiceMapQuery.EDGE_FIELDS) {
      includes.add(field);
    }
    long bucketSeconds = bucketSeconds(span, windowNanos.getAsLong());
    ObjectNode histogram = aggs.putObject("series");
    histogram.putObject("date_histogram").put("field", "@timestamp").put("fixed_interval", bucketSeconds + "s")
        .put("min_doc_count", 1);
    sums(histogram.putObject("aggs"));
    JsonNode answer = search.search(names.pattern(IndexNames.Kind.TRAFFIC), body).path("aggregations");
    JsonNode doc = answer.path("about").path("hits").path("hits").path(0).path("_source");
    if (doc.isMissingNode()) {
      return Optional.empty();
    }
    List<AnomalyView> seen = anomalies.overlapping(span, AnomalyFilter.MAX_LIMIT, now);
    ObjectNode bucket = search.body();
    bucket.put("key", edgeId);
    bucket.set("bytes", answer.path("bytes"));
    bucket.set("flows", answer.path("flows"));
    bucket.set("drops", answer.path("drops"));
    MapEdge edge = ServiceMapQuery.edge(bucket, doc, seen);
    List<AnomalyView> about = seen.stream().filter(a -> a.concerns(edge.source(), edge.target(), edge.port())).toList();
    String explanation = about.stream().map(a -> a.evidence().policyExplanation()).filter(e -> e != null && !e.isBlank())
        .findFirst().orElse(null);
    List<EdgeDetail.Point> series = new ArrayList<>();
    for (JsonNode point : answer.path("series").path("buckets")) {
      Optional<EdgeDetail.Rtt> rtt = rtt(point);
      series.add(new EdgeDetail.Point(point.path("key_as_string").asText(), point.path("bytes").path("value").asLong(),
          point.path("flows").path("value").asLong(), point.path("drops").path("value").asLong(),
          rtt.map(EdgeDetail.Rtt::p50Us).orElse(null), rtt.map(EdgeDetail.Rtt::p90Us).orElse(null),
          rtt.map(EdgeDetail.Rtt::p99Us).orElse(null)));
    }
    return Optional.of(new EdgeDetail(edge, series, rtt(answer).orElse(null), explanation, about));
  }

  /** Buckets are whole windows, so a point never splits a window's sums. */
  private static long bucketSeconds(TimeSpan span, long windowNanos) {
    long windowSeconds = Math.max(1, windowNanos / 1_000_000_000L);
    long wanted = Math.max(windowSeconds, Duration.between(span.from(), span.to()).toSeconds() / SERIES_POINTS);
    return (wanted + windowSeconds - 1) / windowSeconds * windowSeconds;
  }

  private static void sums(ObjectNode aggs) {
    aggs.putObject("bytes").putObject("sum").put("field", MapMetric.BYTES.field());
    aggs.putObject("flows").putObject("sum").put("field", MapMetric.FLOWS.field());
    aggs.putObject("drops").putObject("sum").put("field", "flowtel.drops");
    // A window with no TCP handshake measured writes 0: leaving those out keeps them from pulling the average down.
    ObjectNode measured = aggs.putObject("rtt");
    measured.putObject("filter").putObject("range").putObject("flowtel.rtt.p50_us").put("gt", 0);
    ObjectNode rtt = measured.putObject("aggs");
    rtt.putObject("p50").putObject("avg").put("field", "flowtel.rtt.p50_us");
    rtt.putObject("p90").putObject("avg").put("field", "flowtel.rtt.p90_us");
    rtt.putObject("p99").putObject("max").put("field", "flowtel.rtt.p99_us");
  }

  private static Optional<EdgeDetail.Rtt> rtt(JsonNode aggs) {
    JsonNode rtt = aggs.path("rtt");
    if (rtt.path("doc_count").asLong() == 0) {
      return Optional.empty();
    }
    return Optional.of(new EdgeDetail.Rtt(Math.round(rtt.path("p50").path("value").asDouble()),
        Math.round(rtt.path("p90").path("value").asDouble()), Math.round(rtt.path("p99").path("value").asDouble())));
  }
}
