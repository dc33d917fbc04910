package dev.flowtel.console.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.anomaly.AnomalyFilter;
import dev.flowtel.console.anomaly.AnomalyQuery;
import dev.flowtel.console.anomaly.AnomalyView;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.console.query.WindowSizes;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The service map of a range, aggregated in Elasticsearch: one terms bucket per edge over the
 * traffic windows of one size, the heaviest first, so a 24 h range of a 6,000-pod cluster costs
 * the browser no more than the limit's edges.
 */
public final class ServiceMapQuery {

  private static final String POLICY_VIOLATION = "POLICY_VIOLATION";
  private static final String DENIED_SPIKE = "DENIED_SPIKE";
  static final String[] EDGE_FIELDS = {"flowtel.edge.name", "flowtel.source.*", "flowtel.destination.*",
      "destination.port", "network.transport"};

  private final ElasticsearchSearch search;
  private final IndexNames names;
  private final WindowSizes windowSizes;
  private final AnomalyQuery anomalies;

  public ServiceMapQuery(ElasticsearchSearch search, IndexNames names, AnomalyQuery anomalies) {
    this.search = search;
    this.names = names;
    this.windowSizes = new WindowSizes(search, names);
    this.anomalies = anomalies;
  }

  public ServiceMap map(ConsoleRange range, MapFilter filter, Instant now) {
    TimeSpan span = range.endingAt(now);
    ServiceMap.Range described = new ServiceMap.Range(range.label(), span.from().toString(), span.to().toString());
    OptionalLong windowNanos = windowSizes.forRange(range, span);
    if (windowNanos.isEmpty()) {
      return new ServiceMap(described, filter.metric().label(), 0, List.of(), List.of(), 0, 0);
    }
    List<AnomalyView> seen = anomalies.overlapping(span, AnomalyFilter.MAX_LIMIT, now);
    ObjectNode body = search.body();
    body.put("size", 0);
    ArrayNode must = body.putObject("query").putObject("bool").putArray("filter");
    windowFilter(must, span, windowNanos.getAsLong());
    if (!narrow(must, filter, seen)) {
      return new ServiceMap(described, filter.metric().label(), windowNanos.getAsLong() / 1_000_000_000L, List.of(), List.of(), 0, 0);
    }
    // ALLOWED is what is left after the anomalies are matched, so it is filtered after the
    // aggregation: ask for more buckets than drawn so the filter still leaves a full screen.
    int buckets = filter.verdict() == EdgeVerdict.ALLOWED ? Math.min(filter.limit() * 2, MapFilter.MAX_LIMIT) : filter.limit();
    ObjectNode aggs = body.putObject("aggs");
    aggs.putObject("edge_count").putObject("cardinality").put("field", "flowtel.edge.id");
    ObjectNode edges = aggs.putObject("edges");
    edges.putObject("terms").put("field", "flowtel.edge.id").put("size", buckets).putObject("order").put("metric", "desc");
    ObjectNode sub = edges.putObject("aggs");
    sub.putObject("metric").putObject("sum").put("field", filter.metric().field());
    sub.putObject("bytes").putObject("sum").put("field", MapMetric.BYTES.field());
    sub.putObject("flows").putObject("sum").put("field", MapMetric.FLOWS.field());
    sub.putObject("drops").putObject("sum").put("field", "flowtel.drops");
    ArrayNode includes = sub.putObject("about").putObject("top_hits").put("size", 1).putObject("_source").putArray("includes");
    for (String field : EDGE_FIELDS) {
      includes.add(field);
    }
    JsonNode answer = search.search(names.pattern(IndexNames.Kind.TRAFFIC), body);

    List<MapEdge> drawn = new ArrayList<>();
    Map<String, MapNode> nodes = new LinkedHashMap<>();
    for (JsonNode bucket : answer.path("aggregations").path("edges").path("buckets")) {
      JsonNode doc = bucket.path("about").path("hits").path("hits").path(0).path("_source");
      MapEdge edge = edge(bucket, doc, seen);
      if (filter.verdict() != null && !filter.verdict().label().equals(edge.verdict())) {
        continue;
      }
      if (drawn.size() == filter.limit()) {
        break;
      }
      drawn.add(edge);
      touch(nodes, doc.path("flowtel").path("source"), edge);
      touch(nodes, doc.path("flowtel").path("destination"), edge);
    }
    long total = answer.path("aggregations").path("edge_count").path("value").asLong();
    return new ServiceMap(described, filter.metric().label(), windowNanos.getAsLong() / 1_000_000_000L,
        List.copyOf(nodes.values()), drawn, Math.max(total, drawn.size()), drawn.size());
  }

  /** The traffic documents of one window size whose window starts in the span. */
  public static void windowFilter(ArrayNode must, TimeSpan span, long windowNanos) {
    must.addObject().putObject("range").putObject("@timestamp").put("gte", span.from().toString()).put("lt", span.to().toString());
    must.addObject().putObject("term").put("event.duration", windowNanos);
  }

  /** Adds the filter's clauses; false when no edge can match (a verdict no anomaly or drop gave). */
  private static boolean narrow(ArrayNode must, MapFilter filter, List<AnomalyView> seen) {
    if (!filter.namespaces().isEmpty()) {
      ArrayNode either = must.addObject().putObject("bool").put("minimum_should_match", 1).putArray("should");
      either.addObject().putObject("terms").set("flowtel.source.namespace", array(must, filter.namespaces()));
      either.addObject().putObject("terms").set("flowtel.destination.namespace", array(must, filter.namespaces()));
    }
    if (filter.workload() != null) {
      String pattern = "*" + filter.workload().replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?") + "*";
      ArrayNode either = must.addObject().putObject("bool").put("minimum_should_match", 1).putArray("should");
      for (String field : List.of("flowtel.source.id", "flowtel.destination.id")) {
        either.addObject().putObject("wildcard").putObject(field).put("value", pattern).put("case_insensitive", true);
      }
    }
    if (filter.port() != null) {
      must.addObject().putObject("term").put("destination.port", filter.port());
    }
    if (filter.verdict() == EdgeVerdict.VIOLATION || filter.verdict() == EdgeVerdict.DENIED) {
      ArrayNode any = must.addObject().putObject("bool").put("minimum_should_match", 1).putArray("should");
      for (AnomalyView a : seen) {
        boolean counts = filter.verdict() == EdgeVerdict.VIOLATION ? a.type().equals(POLICY_VIOLATION) : a.type().equals(DENIED_SPIKE);
        if (counts && a.source() != null && a.destination() != null) {
          ArrayNode pair = any.addObject().putObject("bool").putArray("filter");
          pair.addObject().putObject("term").put("flowtel.source.id", a.source());
          pair.addObject().putObject("term").put("flowtel.destination.id", a.destination());
        }
      }
      if (filter.verdict() == EdgeVerdict.DENIED) {
        any.addObject().putObject("range").putObject("flowtel.drops").put("gt", 0);
      }
      return !any.isEmpty();
    }
    return true;
  }

  private static ArrayNode array(ArrayNode factory, List<String> values) {
    ArrayNode array = factory.arrayNode();
    values.forEach(array::add);
    return array;
  }

  /** The edge of a terms bucket (sums named bytes, flows, drops) and one of its documents, judged by the anomalies seen. */
  static MapEdge edge(JsonNode bucket, JsonNode doc, List<AnomalyView> seen) {
    JsonNode portNode = doc.path("destination").path("port");
    return judged(bucket.path("key").asText(), doc.path("flowtel").path("edge").path("name").asText(),
        doc.path("flowtel").path("source").path("id").asText(), doc.path("flowtel").path("destination").path("id").asText(),
        portNode.isNumber() ? portNode.asInt() : null, doc.path("network").path("transport").asText(null),
        bucket.path("bytes").path("value").asLong(), bucket.path("flows").path("value").asLong(),
        bucket.path("drops").path("value").asLong(), seen);
  }

  /**
   * An edge with its totals over the range, judged by the anomalies seen: a POLICY_VIOLATION about
   * it makes it a violation; else dropped packets or a DENIED_SPIKE make it denied. The one place
   * the verdict is decided, for the map from Elasticsearch and the live one alike.
   */
  static MapEdge judged(String id, String name, String sourceId, String targetId, Integer port, String protocol, long bytes,
      long flows, long drops, List<AnomalyView> seen) {
    boolean violated = false;
    boolean deniedSpike = false;
    int open = 0;
    for (AnomalyView a : seen) {
      if (a.concerns(sourceId, targetId, port)) {
        violated |= a.type().equals(POLICY_VIOLATION);
        deniedSpike |= a.type().equals(DENIED_SPIKE);
        open += a.open() ? 1 : 0;
      }
    }
    EdgeVerdict verdict = violated ? EdgeVerdict.VIOLATION : drops > 0 || deniedSpike ? EdgeVerdict.DENIED : EdgeVerdict.ALLOWED;
    return new MapEdge(id, name, sourceId, targetId, port, protocol, bytes, flows, drops, verdict.label(), open);
  }

  private static void touch(Map<String, MapNode> nodes, JsonNode end, MapEdge edge) {
    touch(nodes, end.path("id").asText(), end.path("namespace").asText(""), end.path("kind").asText(), end.path("name").asText(), edge);
  }

  /** Adds the edge's traffic to the node of one of its ends ({@code namespace} "" outside namespaces). */
  static void touch(Map<String, MapNode> nodes, String id, String namespace, String kind, String name, MapEdge edge) {
    MapNode known = nodes.get(id);
    long bytes = edge.bytes() + (known == null ? 0 : known.bytes());
    long flows = edge.flows() + (known == null ? 0 : known.flows());
    boolean external = "External".equals(kind);
    nodes.put(id, new MapNode(id, namespace, kind, name, external, bytes, flows));
  }
}
