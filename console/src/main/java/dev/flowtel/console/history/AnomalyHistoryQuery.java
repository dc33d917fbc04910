package dev.flowtel.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The anomalies open at any moment of a period (first seen before its end, last seen after its
 * start), as spans: every one, paged with {@code search_after}, since a recommendation that missed
 * one could write its attack into policy. The latest revision of each is what the index holds.
 */
public final class AnomalyHistoryQuery {

  static final int PAGE = 1_000;
  private static final String[] FIELDS = {"@timestamp", "event.start", "event.end", "destination.port", "flowtel.anomaly.id",
      "flowtel.anomaly.type", "flowtel.source.*", "flowtel.destination.*"};

  private final ElasticsearchSearch search;
  private final IndexNames names;

  public AnomalyHistoryQuery(ElasticsearchSearch search, IndexNames names) {
    this.search = search;
    this.names = names;
  }

  /** What was read: the spans, and how many anomalies named no source (a span needs one) and were left out. */
  public record Anomalies(List<AnomalySpan> spans, int withoutSource) {
    public Anomalies {
      spans = List.copyOf(spans);
    }
  }

  public Anomalies open(HistoryPeriod period) {
    List<AnomalySpan> spans = new ArrayList<>();
    int withoutSource = 0;
    JsonNode after = null;
    while (true) {
      ObjectNode body = search.body();
      body.put("size", PAGE);
      ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
      filter.addObject().putObject("range").putObject("@timestamp").put("lt", period.until().toString());
      filter.addObject().putObject("range").putObject("event.end").put("gte", period.since().toString());
      ArrayNode includes = body.putObject("_source").putArray("includes");
      for (String field : FIELDS) {
        includes.add(field);
      }
      ArrayNode sort = body.putArray("sort");
      sort.addObject().put("@timestamp", "asc");
      sort.addObject().put("flowtel.anomaly.id", "asc");
      if (after != null) {
        body.set("search_after", after);
      }
      JsonNode hits = search.search(names.pattern(IndexNames.Kind.ANOMALIES), body).path("hits").path("hits");
      for (JsonNode hit : hits) {
        AnomalySpan span = span(hit.path("_source"));
        if (span == null) {
          withoutSource++;
        } else {
          spans.add(span);
        }
      }
      if (hits.size() < PAGE) {
        return new Anomalies(spans, withoutSource);
      }
      after = hits.get(hits.size() - 1).path("sort");
    }
  }

  /** The span of one anomaly document; null when it names no source. */
  static AnomalySpan span(JsonNode source) {
    JsonNode flowtel = source.path("flowtel");
    String sourceId = flowtel.path("source").path("id").asText(null);
    if (sourceId == null) {
      return null;
    }
    String destinationId = flowtel.path("destination").path("id").asText(null);
    JsonNode port = source.path("destination").path("port");
    return new AnomalySpan(flowtel.path("anomaly").path("id").asText(), flowtel.path("anomaly").path("type").asText(),
        TrafficHistoryQuery.end(sourceId, flowtel.path("source").path("network_class").asText(null)),
        destinationId == null ? null
            : TrafficHistoryQuery.end(destinationId, flowtel.path("destination").path("network_class").asText(null)),
        port.isNumber() ? port.asInt() : null,
        Instant.parse(source.path("event").path("start").asText(source.path("@timestamp").asText())),
        Instant.parse(source.path("event").path("end").asText(source.path("@timestamp").asText())));
  }
}
