package dev.flowtel.console.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anomalies whose episode overlaps a span, from the anomalies indices the sink writes (one
 * document per anomaly, its latest revision): first seen before the span ends and last seen after
 * it starts.
 */
public final class AnomalyQuery {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ElasticsearchSearch search;
  private final IndexNames names;
  private final Duration cooldown;

  /** {@code cooldown}: the detection's, after which an anomaly with no new finding is closed. */
  public AnomalyQuery(ElasticsearchSearch search, IndexNames names, Duration cooldown) {
    this.search = search;
    this.names = names;
    this.cooldown = cooldown;
  }

  public AnomalyList list(TimeSpan span, AnomalyFilter filter, Instant now) {
    ObjectNode body = search.body();
    body.put("size", filter.limit()).put("track_total_hits", true);
    ArrayNode must = body.putObject("query").putObject("bool").putArray("filter");
    overlapping(must, span);
    if (filter.severity() != null) {
      must.addObject().putObject("term").put("flowtel.anomaly.severity", filter.severity());
    }
    // Counted before the type filter, so the counts above the list stay whole while one type is shown.
    ObjectNode byType = body.putObject("aggs").putObject("by_type");
    byType.putObject("terms").put("field", "flowtel.anomaly.type").put("size", 50);
    if (filter.type() != null) {
      body.putObject("post_filter").putObject("term").put("flowtel.anomaly.type", filter.type());
    }
    body.putArray("sort").addObject().putObject("event.end").put("order", "desc");
    JsonNode answer = search.search(names.pattern(IndexNames.Kind.ANOMALIES), body);
    List<AnomalyView> anomalies = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      anomalies.add(view(hit.path("_source"), now));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (JsonNode bucket : answer.path("aggregations").path("by_type").path("buckets")) {
      counts.put(bucket.path("key").asText(), bucket.path("doc_count").asLong());
    }
    return new AnomalyList(anomalies, counts, answer.path("hits").path("total").path("value").asLong());
  }

  /** Every anomaly overlapping the span, up to {@code limit}: what the map marks its edges with. */
  public List<AnomalyView> overlapping(TimeSpan span, int limit, Instant now) {
    return list(span, new AnomalyFilter(null, null, limit), now).anomalies();
  }

  static void overlapping(ArrayNode filters, TimeSpan span) {
    filters.addObject().putObject("range").putObject("@timestamp").put("lt", span.to().toString());
    filters.addObject().putObject("range").putObject("event.end").put("gte", span.from().toString());
  }

  private AnomalyView view(JsonNode source, Instant now) {
    JsonNode flowtel = source.path("flowtel");
    String lastSeen = source.path("event").path("end").asText(null);
    boolean open = lastSeen != null && Instant.parse(lastSeen).plus(cooldown).isAfter(now);
    JsonNode evidence = flowtel.path("evidence");
    AnomalyView.Evidence ev = new AnomalyView.Evidence(map(evidence.path("counters")), map(evidence.path("measurements")),
        list(evidence.path("sample_flows")), evidence.path("policy_explanation").asText(null));
    JsonNode port = source.path("destination").path("port");
    return new AnomalyView(flowtel.path("anomaly").path("id").asText(), flowtel.path("anomaly").path("type").asText(),
        flowtel.path("anomaly").path("severity").asText(), flowtel.path("anomaly").path("summary").asText(null),
        source.path("event").path("start").asText(null), lastSeen, flowtel.path("revision").asInt(), open,
        flowtel.path("source").path("id").asText(null), flowtel.path("destination").path("id").asText(null),
        port.isNumber() ? port.asInt() : null, source.path("network").path("transport").asText(null), ev);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode node) {
    return node.isObject() ? JSON.convertValue(node, LinkedHashMap.class) : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(JsonNode node) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(JSON.convertValue(n, LinkedHashMap.class)));
    } else if (node.isObject()) {
      out.add(JSON.convertValue(node, LinkedHashMap.class));
    }
    return out;
  }
}
