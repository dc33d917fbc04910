package dev.flowtel.console.map;

import dev.flowtel.console.anomaly.AnomalyFilter;
import dev.flowtel.console.anomaly.AnomalyQuery;
import dev.flowtel.console.anomaly.AnomalyView;
import dev.flowtel.console.live.LiveEdge;
import dev.flowtel.console.live.LiveTraffic;
import dev.flowtel.console.live.LiveWindow;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.TimeSpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live range's map from the traffic topic's tail rather than from Elasticsearch, so it does
 * not wait for the sink and the index refresh. The same map as {@link ServiceMapQuery} would give
 * for the same windows: windows starting in the range, at the smallest window size only (the
 * rollups sum the same flows), the same filters, and verdicts from the anomalies Elasticsearch
 * holds, judged by the same rule.
 */
public final class LiveMapQuery {

  private final LiveTraffic live;
  private final AnomalyQuery anomalies;

  public LiveMapQuery(LiveTraffic live, AnomalyQuery anomalies) {
    this.live = live;
    this.anomalies = anomalies;
  }

  public ServiceMap map(MapFilter filter, Instant now) {
    ConsoleRange range = ConsoleRange.LIVE;
    TimeSpan span = range.endingAt(now);
    ServiceMap.Range described = new ServiceMap.Range(range.label(), span.from().toString(), span.to().toString());
    List<LiveWindow> inRange = live.windows().stream()
        .filter(w -> !w.start().isBefore(span.from()) && w.start().isBefore(span.to()))
        .toList();
    long windowNanos = inRange.stream().mapToLong(LiveWindow::sizeNanos).min().orElse(0);
    if (windowNanos == 0) {
      return new ServiceMap(described, filter.metric().label(), 0, List.of(), List.of(), 0, 0);
    }
    Map<String, Totals> byEdge = new LinkedHashMap<>();
    for (LiveWindow w : inRange) {
      if (w.sizeNanos() == windowNanos && matches(w.edge(), filter)) {
        byEdge.computeIfAbsent(w.edge().id(), id -> new Totals(w.edge())).add(w);
      }
    }
    List<AnomalyView> seen = byEdge.isEmpty() ? List.of() : anomalies.overlapping(span, AnomalyFilter.MAX_LIMIT, now);
    List<MapEdge> judged = new ArrayList<>();
    for (Totals t : byEdge.values()) {
      MapEdge edge = ServiceMapQuery.judged(t.edge.id(), t.edge.name(), t.edge.source().id(), t.edge.destination().id(),
          t.edge.port(), t.edge.protocol(), t.bytes, t.flows, t.drops, seen);
      if (filter.verdict() == null || filter.verdict().label().equals(edge.verdict())) {
        judged.add(edge);
      }
    }
    // Heaviest first, ties by id: the order of the terms aggregation the other ranges use.
    judged.sort(Comparator.comparingLong((MapEdge e) -> filter.metric() == MapMetric.FLOWS ? e.flows() : e.bytes()).reversed()
        .thenComparing(MapEdge::id));
    List<MapEdge> drawn = judged.subList(0, Math.min(filter.limit(), judged.size()));
    Map<String, MapNode> nodes = new LinkedHashMap<>();
    for (MapEdge edge : drawn) {
      LiveEdge about = byEdge.get(edge.id()).edge;
      for (var end : List.of(about.source(), about.destination())) {
        ServiceMapQuery.touch(nodes, end.id(), end.namespace() == null ? "" : end.namespace(), end.kind(), end.name(), edge);
      }
    }
    return new ServiceMap(described, filter.metric().label(), windowNanos / 1_000_000_000L, List.copyOf(nodes.values()),
        List.copyOf(drawn), judged.size(), drawn.size());
  }

  /** The filters the Elasticsearch query applies before aggregating: namespace, workload, port. */
  private static boolean matches(LiveEdge edge, MapFilter filter) {
    if (!filter.namespaces().isEmpty() && !filter.namespaces().contains(edge.source().namespace())
        && !filter.namespaces().contains(edge.destination().namespace())) {
      return false;
    }
    if (filter.workload() != null) {
      String part = filter.workload().toLowerCase(Locale.ROOT);
      if (!edge.source().id().toLowerCase(Locale.ROOT).contains(part) && !edge.destination().id().toLowerCase(Locale.ROOT).contains(part)) {
        return false;
      }
    }
    return filter.port() == null || filter.port().equals(edge.port());
  }

  /** One edge's sums over the range's windows. */
  private static final class Totals {
    private final LiveEdge edge;
    private long bytes;
    private long flows;
    private long drops;

    Totals(LiveEdge edge) {
      this.edge = edge;
    }

    void add(LiveWindow w) {
      bytes += w.bytes();
      flows += w.flows();
      drops += w.drops();
    }
  }
}
