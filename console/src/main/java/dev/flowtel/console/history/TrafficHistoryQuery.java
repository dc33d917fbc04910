package dev.flowtel.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The service edges observed over a period, each summed over its traffic windows inside
 * Elasticsearch: one {@code composite} aggregation keyed by both ends, port and transport, paged to
 * the end, so a week of a 500-service cluster arrives as one bucket per edge, not as its documents.
 *
 * <p>Which windows are summed: the traffic indices hold the job's windows (10 s by default) and
 * their rollups (1 min) side by side, each counting the same flows, so exactly one window size is
 * read and nothing is counted twice. For a period of at least {@link #ROLLUPS_FROM} the largest size
 * is read (six times fewer documents than 10 s windows) when its documents reach back as far as the
 * base windows' do, i.e. the rollups were written for the whole period; otherwise, and for shorter
 * periods, the smallest. Rollups round the period's ends to their size (a flow counts when its
 * window starts in the period) and miss the one rollup still open at the end: a minute of a week.
 */
public final class TrafficHistoryQuery {

  /** Periods at least this long are read from the rollups when they cover the period. */
  public static final Duration ROLLUPS_FROM = Duration.ofHours(1);

  /** Buckets per composite page: large pages are fewer round trips, each bucket is a few hundred bytes. */
  static final int PAGE = 2_000;

  private final ElasticsearchSearch search;
  private final IndexNames names;
  private final int pageSize;

  public TrafficHistoryQuery(ElasticsearchSearch search, IndexNames names) {
    this(search, names, PAGE);
  }

  /** With {@code pageSize} buckets per composite page (tests page through a few edges with a small one). */
  TrafficHistoryQuery(ElasticsearchSearch search, IndexNames names, int pageSize) {
    this.search = search;
    this.names = names;
    this.pageSize = pageSize;
  }

  /** What was read: the edges, the window size summed (none when the period had no traffic) and the documents behind them. */
  public record Observed(List<ObservedEdge> edges, Duration windowSize, long documents, List<Duration> sizesPresent) {
    public Observed {
      edges = List.copyOf(edges);
      sizesPresent = List.copyOf(sizesPresent);
    }
  }

  public Observed observed(HistoryPeriod period) {
    List<WindowSize> sizes = windowSizes(period);
    if (sizes.isEmpty()) {
      return new Observed(List.of(), null, 0, List.of());
    }
    WindowSize chosen = choose(sizes, period);
    List<ObservedEdge> edges = new ArrayList<>();
    long documents = 0;
    JsonNode after = null;
    do {
      JsonNode page = page(period, chosen.nanos(), after);
      JsonNode edgesAgg = page.path("aggregations").path("edges");
      for (JsonNode bucket : edgesAgg.path("buckets")) {
        edges.add(edge(bucket));
        documents += bucket.path("doc_count").asLong();
      }
      after = edgesAgg.path("buckets").isEmpty() ? null : edgesAgg.get("after_key");
    } while (after != null);
    return new Observed(edges, Duration.ofNanos(chosen.nanos()), documents,
        sizes.stream().map(s -> Duration.ofNanos(s.nanos())).toList());
  }

  /** A window size present in the period, with its first and last window start there. */
  record WindowSize(long nanos, Instant first, Instant last) {}

  private List<WindowSize> windowSizes(HistoryPeriod period) {
    ObjectNode body = search.body();
    body.put("size", 0);
    periodFilter(body.putObject("query").putObject("bool").putArray("filter"), period);
    ObjectNode sizes = body.putObject("aggs").putObject("sizes");
    sizes.putObject("terms").put("field", "event.duration").put("size", 20).putObject("order").put("_key", "asc");
    ObjectNode sub = sizes.putObject("aggs");
    sub.putObject("first").putObject("min").put("field", "@timestamp");
    sub.putObject("last").putObject("max").put("field", "@timestamp");
    List<WindowSize> found = new ArrayList<>();
    for (JsonNode bucket : search.search(names.pattern(IndexNames.Kind.TRAFFIC), body).path("aggregations").path("sizes").path("buckets")) {
      found.add(new WindowSize(bucket.path("key").asLong(), Instant.ofEpochMilli(bucket.path("first").path("value").asLong()),
          Instant.ofEpochMilli(bucket.path("last").path("value").asLong())));
    }
    return found;
  }

  /** The smallest size, or the largest for a long period when it reaches back as far as the smallest (within one of its windows). */
  static WindowSize choose(List<WindowSize> ascending, HistoryPeriod period) {
    WindowSize smallest = ascending.getFirst();
    WindowSize largest = ascending.getLast();
    boolean longPeriod = Duration.between(period.since(), period.until()).compareTo(ROLLUPS_FROM) >= 0;
    boolean rollupsCover = !largest.first().isAfter(smallest.first().plusNanos(largest.nanos()))
        && !largest.last().plusNanos(2 * largest.nanos()).isBefore(smallest.last());
    return longPeriod && rollupsCover ? largest : smallest;
  }

  private static void periodFilter(ArrayNode filter, HistoryPeriod period) {
    filter.addObject().putObject("range").putObject("@timestamp")
        .put("gte", period.since().toString()).put("lt", period.until().toString()).put("format", "strict_date_optional_time");
  }

  private JsonNode page(HistoryPeriod period, long windowNanos, JsonNode after) {
    ObjectNode body = search.body();
    body.put("size", 0);
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    periodFilter(filter, period);
    filter.addObject().putObject("term").put("event.duration", windowNanos);
    ObjectNode composite = body.putObject("aggs").putObject("edges");
    ObjectNode spec = composite.putObject("composite").put("size", pageSize);
    if (after != null) {
      spec.set("after", after);
    }
    ArrayNode sources = spec.putArray("sources");
    term(sources, "source", "flowtel.source.id", false);
    term(sources, "source_class", "flowtel.source.network_class", true);
    term(sources, "destination", "flowtel.destination.id", false);
    term(sources, "destination_class", "flowtel.destination.network_class", true);
    // Absent on the edge of a client's failed attempts, whose ports are folded into one.
    term(sources, "port", "destination.port", true);
    term(sources, "protocol", "network.iana_number", false);
    ObjectNode sums = composite.putObject("aggs");
    sum(sums, "flows", "flowtel.flows");
    sum(sums, "bytes", "network.bytes");
    sum(sums, "opened", "flowtel.connections.opened");
    sum(sums, "failed", "flowtel.attempts.failed");
    sum(sums, "drops", "flowtel.drops");
    sums.putObject("first").putObject("min").put("field", "event.start");
    sums.putObject("last").putObject("max").put("field", "event.end");
    return search.search(names.pattern(IndexNames.Kind.TRAFFIC), body);
  }

  private static void term(ArrayNode sources, String name, String field, boolean missing) {
    ObjectNode terms = sources.addObject().putObject(name).putObject("terms").put("field", field);
    if (missing) {
      terms.put("missing_bucket", true);
    }
  }

  private static void sum(ObjectNode aggs, String name, String field) {
    aggs.putObject(name).putObject("sum").put("field", field);
  }

  /** One composite bucket as the edge it sums. */
  static ObservedEdge edge(JsonNode bucket) {
    JsonNode key = bucket.path("key");
    JsonNode port = key.path("port");
    ServiceEdge edge = new ServiceEdge(end(key.path("source").asText(), key.path("source_class").asText(null)),
        end(key.path("destination").asText(), key.path("destination_class").asText(null)),
        port.isNumber() ? port.asInt() : ServiceEdge.ANY_PORT, Integer.parseInt(key.path("protocol").asText()));
    return new ObservedEdge(edge, whole(bucket, "flows"), whole(bucket, "bytes"), whole(bucket, "opened"),
        whole(bucket, "failed"), whole(bucket, "drops"), Instant.ofEpochMilli(bucket.path("first").path("value").asLong()),
        Instant.ofEpochMilli(bucket.path("last").path("value").asLong()), Set.of());
  }

  /** A sum aggregation's value (a double in Elasticsearch's answer) as the whole number it is. */
  private static long whole(JsonNode bucket, String name) {
    return Math.round(bucket.path(name).path("value").asDouble());
  }

  /**
   * An edge end from its id as documents spell it ({@code namespace/Kind/name}, or {@code Kind/name}
   * outside namespaces) and its network class.
   */
  static EdgeEnd end(String id, String networkClass) {
    String[] parts = id.split("/", 3);
    String namespace = parts.length == 3 ? parts[0] : null;
    String kind = parts.length == 3 ? parts[1] : parts[0];
    String name = parts.length == 3 ? parts[2] : parts.length == 2 ? parts[1] : "";
    EdgeEnd derived = EdgeEnd.fromKey((namespace == null ? "-" : namespace) + '/' + kind + '/' + name);
    return networkClass == null ? derived : new EdgeEnd(namespace, kind, name, NetworkClass.valueOf(networkClass));
  }
}
