package dev.flowtel.console.kibana;

import dev.flowtel.console.anomaly.AnomalyFilter;
import dev.flowtel.console.anomaly.AnomalyList;
import dev.flowtel.console.anomaly.AnomalyQuery;
import dev.flowtel.console.anomaly.AnomalyView;
import dev.flowtel.console.map.MapEdge;
import dev.flowtel.console.map.MapFilter;
import dev.flowtel.console.map.MapMetric;
import dev.flowtel.console.map.ServiceMap;
import dev.flowtel.console.map.ServiceMapQuery;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Runs every shipped Kibana panel over a range and compares its numbers with what the console's
 * own queries give for the same range (what {@code ./flowtel kibana verify} prints). A panel fails
 * when it returns nothing or when its figure differs; the detail says which figures were compared.
 */
public final class PanelCheck {

  private static final String POLICY_VIOLATION = "POLICY_VIOLATION";
  /** What flowtel-enforcement-violations' KQL selects. */
  private static final Set<String> ENFORCEMENT_TYPES = Set.of(POLICY_VIOLATION, "DENIED_SPIKE");

  private final ElasticsearchSearch search;
  private final IndexNames names;
  private final KibanaPanels panels;
  private final Duration anomalyCooldown;

  /** {@code anomalyCooldown}: the detection's, as the console is given it. */
  public PanelCheck(ElasticsearchSearch search, IndexNames names, Duration anomalyCooldown) {
    this(search, names, anomalyCooldown, KibanaPanels.shipped());
  }

  /** With other saved objects than the shipped ones: how a test shows what a broken panel looks like. */
  PanelCheck(ElasticsearchSearch search, IndexNames names, Duration anomalyCooldown, KibanaPanels panels) {
    this.search = search;
    this.names = names;
    this.panels = panels;
    this.anomalyCooldown = anomalyCooldown;
  }

  /**
   * One result per panel, in the saved objects' order, over {@code range} ending {@code now}.
   *
   * @throws IllegalArgumentException for a range the console reads at the 1 min rollups (1h, 24h):
   *     the panels read the base windows, and a rollup minute cut by the range's start holds other
   *     flows than the base windows after that start, so the sums could not be equal
   */
  public List<PanelResult> run(ConsoleRange range, Instant now) {
    if (range.prefersRollups()) {
      throw new IllegalArgumentException("range " + range.label() + ": the console reads it at the 1 min rollups, the "
          + "panels at the base windows; compare on a range read at the base windows: " + ConsoleRange.LIVE.label()
          + " or " + ConsoleRange.LAST_15_MINUTES.label());
    }
    // One point in time for both sides: a pipeline that is writing adds and revises windows
    // between the panel's search and the console's, and the two would differ by what arrived.
    ElasticsearchSearch pinned = search.pinned();
    try {
      return compareAll(range, now, pinned);
    } finally {
      pinned.release();
    }
  }

  private List<PanelResult> compareAll(ConsoleRange range, Instant now, ElasticsearchSearch search) {
    AnomalyQuery anomalies = new AnomalyQuery(search, names, anomalyCooldown);
    ServiceMapQuery maps = new ServiceMapQuery(search, names, anomalies);
    TimeSpan span = range.endingAt(now);
    ConsoleFigures console = new ConsoleFigures(span,
        maps.map(range, new MapFilter(List.of(), null, null, null, MapMetric.BYTES, MapFilter.MAX_LIMIT), now),
        anomalies.list(span, new AnomalyFilter(null, null, AnomalyFilter.MAX_LIMIT), now));
    List<PanelResult> results = new ArrayList<>();
    for (PanelRequest request : panels.requests(span, names)) {
      PanelAnswer answer;
      try {
        answer = PanelAnswer.of(request, search.search(request.indexPattern(), request.body()));
      } catch (UncheckedIOException e) {
        results.add(new PanelResult(request.id(), request.title(), false, false, "its request failed: " + e.getMessage()));
        continue;
      }
      Outcome outcome = compare(request.id(), answer, console);
      results.add(new PanelResult(request.id(), request.title(), !answer.rows().isEmpty(), outcome.equal(),
          outcome.detail() + console.caveats(request.id())));
    }
    return results;
  }

  private static Outcome compare(String panel, PanelAnswer answer, ConsoleFigures console) {
    return switch (panel) {
      case "flowtel-traffic-top-edges" -> perKey(answer, "2", metric("1"), console.byEdgeName(MapEdge::bytes), "bytes", "edges");
      case "flowtel-traffic-by-namespace" -> perKey(answer.summedBy("3", "1"), "3", metric("1"),
          console.bytesBySourceNamespace(), "bytes per sending namespace", "namespaces");
      case "flowtel-traffic-resets-drops" -> resetsAndDrops(answer, console);
      case "flowtel-traffic-rtt" -> roundTripTimes(answer);
      case "flowtel-anomalies-by-type" -> counts(answer, "3", console.countsByType(Set.of()), "anomalies by type");
      case "flowtel-enforcement-violations" -> counts(answer, "3", console.countsByType(ENFORCEMENT_TYPES),
          "POLICY_VIOLATION and DENIED_SPIKE anomalies by type");
      case "flowtel-anomalies-by-severity" -> total(answer.count(), console.anomalies().total(),
          "anomalies over every (interval, severity) bucket", "anomalies in the list");
      case "flowtel-anomalies-top-workloads" -> topWorkloads(answer, console);
      case "flowtel-anomalies-table" -> total(answer.totalHits(), console.anomalies().total(), "hits", "anomalies in the list");
      case "flowtel-enforcement-denied" -> total(answer.sum("1"), console.sum(MapEdge::drops),
          "drops summed over " + answer.rows().size() + " intervals", "drops of all edges on the map");
      case "flowtel-enforcement-denied-edges" -> perKey(answer, "2", metric("1"), console.byEdgeName(MapEdge::drops), "drops",
          "edges");
      case "flowtel-enforcement-violating-edges" -> violatingEdges(answer, console);
      default -> new Outcome(false, "no console figure is known for this panel: add its comparison to PanelCheck");
    };
  }

  /**
   * A top-N table: every row's value equals the console's for its key, and no key the panel left
   * out is above the smallest it shows (ties may pick either).
   */
  private static Outcome perKey(PanelAnswer answer, String keyId, Function<PanelAnswer.Row, Long> value, Map<String, Long> console,
      String what, String keys) {
    List<String> differences = new ArrayList<>();
    long smallestShown = Long.MAX_VALUE;
    Set<String> shown = new TreeSet<>();
    for (PanelAnswer.Row row : answer.rows()) {
      String key = row.key(keyId);
      long panel = value.apply(row);
      shown.add(key);
      smallestShown = Math.min(smallestShown, panel);
      Long expected = console.get(key);
      if (expected == null || expected != panel) {
        differences.add(key + ": panel " + panel + ", console " + (expected == null ? "none" : expected) + ratio(panel, expected));
      }
    }
    for (Map.Entry<String, Long> edge : console.entrySet()) {
      if (!shown.contains(edge.getKey()) && !answer.rows().isEmpty() && edge.getValue() > smallestShown) {
        differences.add(edge.getKey() + ": console " + edge.getValue() + " is missing from the panel, whose smallest is " + smallestShown);
      }
    }
    if (!differences.isEmpty()) {
      return new Outcome(false, what + " differ: " + String.join("; ", differences));
    }
    return new Outcome(true, what + " of " + answer.rows().size() + " " + keys + " equal the console's (of " + console.size() + ")");
  }

  private static Function<PanelAnswer.Row, Long> metric(String aggId) {
    return row -> Math.round(row.metric(aggId).orElse(0));
  }

  private static Outcome total(double panelValue, long console, String panelWhat, String consoleWhat) {
    long panel = Math.round(panelValue);
    return new Outcome(panel == console, panelWhat + ": panel " + panel + ", console " + console + " (" + consoleWhat + ")"
        + (panel == console ? "" : ratio(panel, console)));
  }

  private static Outcome resetsAndDrops(PanelAnswer answer, ConsoleFigures console) {
    Outcome drops = total(answer.sum("2"), console.sum(MapEdge::drops), "drops", "drops of all edges on the map");
    boolean resetsShown = !answer.rows().isEmpty() && answer.rows().stream().allMatch(r -> r.metric("1").isPresent());
    long opened = Math.round(answer.sum("3"));
    boolean equal = drops.equal() && resetsShown && opened > 0;
    return new Outcome(equal, drops.detail() + "; resets " + (resetsShown ? "in every interval" : "missing") + ", "
        + "new connections " + opened + (opened > 0 ? "" : " (expected some on a run with traffic)"));
  }

  private static Outcome roundTripTimes(PanelAnswer answer) {
    double highest = answer.rows().stream().mapToDouble(r -> r.metric("1").orElse(0)).max().orElse(0);
    return new Outcome(highest > 0, "no console figure to compare with (the console averages only the windows that measured "
        + "an RTT); " + answer.rows().size() + " intervals, highest average p50 " + Math.round(highest) + " us"
        + (highest > 0 ? "" : ": expected one above 0"));
  }

  private static Outcome counts(PanelAnswer answer, String keyId, Map<String, Long> console, String what) {
    Map<String, Long> panel = new TreeMap<>();
    answer.rows().forEach(r -> panel.merge(r.key(keyId), r.count(), Long::sum));
    boolean equal = panel.equals(console);
    return new Outcome(equal, what + ": panel " + panel + ", console " + console);
  }

  /** Per source, the panel's counts are the console list's; with no more sources than the panel shows, the totals too. */
  private static Outcome topWorkloads(PanelAnswer answer, ConsoleFigures console) {
    Map<String, Long> bySource = new TreeMap<>();
    for (AnomalyView anomaly : console.anomalies().anomalies()) {
      if (anomaly.source() != null) {
        bySource.merge(anomaly.source(), 1L, Long::sum);
      }
    }
    Outcome perSource = perKey(answer, "2", PanelAnswer.Row::count, bySource, "anomalies per source", "sources");
    long panelTotal = answer.count();
    long total = console.anomalies().total();
    boolean totalsComparable = bySource.size() <= answer.rows().size();
    boolean equal = perSource.equal() && (!totalsComparable || panelTotal == total);
    return new Outcome(equal, perSource.detail() + "; total panel " + panelTotal + ", console "
        + total + (totalsComparable ? "" : " (the panel shows only its top sources)"));
  }

  /**
   * The panel's (source, destination) pairs and counts are the console list's POLICY_VIOLATION
   * anomalies; every edge the map colours as a violation is among them.
   */
  private static Outcome violatingEdges(PanelAnswer answer, ConsoleFigures console) {
    Map<String, Long> panel = new TreeMap<>();
    answer.rows().forEach(r -> panel.merge(r.key("2") + " -> " + r.key("3"), r.count(), Long::sum));
    Map<String, Long> listed = new TreeMap<>();
    for (AnomalyView anomaly : console.anomalies().anomalies()) {
      if (anomaly.type().equals(POLICY_VIOLATION)) {
        listed.merge(anomaly.source() + " -> " + anomaly.destination(), 1L, Long::sum);
      }
    }
    Set<String> red = new TreeSet<>();
    console.map().edges().stream().filter(e -> e.verdict().equals("violation")).forEach(e -> red.add(e.source() + " -> " + e.target()));
    boolean equal = panel.equals(listed) && panel.keySet().containsAll(red);
    return new Outcome(equal, "violating (source -> destination) pairs: panel " + panel + ", console anomaly list " + listed
        + ", console map's violation edges " + red);
  }

  private static String ratio(long panel, Long console) {
    if (console == null || console == 0 || panel == console) {
      return "";
    }
    double ratio = (double) panel / console;
    return String.format(Locale.ROOT, " (%.2fx%s)", ratio, Math.abs(ratio - 2) < 0.01 ? ": windows and rollups both counted?" : "");
  }

  private record Outcome(boolean equal, String detail) {}

  /** The console's answers for the range, read once for every panel. */
  private record ConsoleFigures(TimeSpan span, ServiceMap map, AnomalyList anomalies) {

    long sum(Function<MapEdge, Long> figure) {
      return map.edges().stream().mapToLong(figure::apply).sum();
    }

    /** Edge name to the figure, for edges where it is above 0 (a panel filtered on it shows only those). */
    Map<String, Long> byEdgeName(Function<MapEdge, Long> figure) {
      Map<String, Long> out = new TreeMap<>();
      map.edges().forEach(e -> {
        if (figure.apply(e) > 0) {
          out.merge(e.name(), figure.apply(e), Long::sum);
        }
      });
      return out;
    }

    /**
     * Bytes per namespace of the sending end, as the panel's terms on {@code orchestrator.namespace}
     * group them: ends outside any namespace (internet hosts, nodes) under the missing bucket's key.
     */
    Map<String, Long> bytesBySourceNamespace() {
      Map<String, String> namespaceOf = new TreeMap<>();
      map.nodes().forEach(n -> namespaceOf.put(n.id(), n.namespace().isEmpty() ? KibanaPanels.MISSING_KEY : n.namespace()));
      Map<String, Long> out = new TreeMap<>();
      map.edges().forEach(e -> out.merge(namespaceOf.getOrDefault(e.source(), KibanaPanels.MISSING_KEY), e.bytes(), Long::sum));
      return out;
    }

    /** Counts per type, limited to {@code types} unless empty. */
    Map<String, Long> countsByType(Set<String> types) {
      Map<String, Long> out = new TreeMap<>();
      anomalies.countsByType().forEach((type, count) -> {
        if ((types.isEmpty() || types.contains(type)) && count > 0) {
          out.put(type, count);
        }
      });
      return out;
    }

    /** Why a difference may not be the panel's fault: the console's own limits, said only when they were reached. */
    String caveats(String panel) {
      StringBuilder caveats = new StringBuilder();
      if (panel.startsWith("flowtel-traffic-") || panel.startsWith("flowtel-enforcement-denied")) {
        if (map.totalEdges() > map.shownEdges()) {
          caveats.append("; the console map holds only the heaviest ").append(map.shownEdges()).append(" of ")
              .append(map.totalEdges()).append(" edges, so its sums are short");
        }
      } else {
        if (anomalies.total() > anomalies.anomalies().size()) {
          caveats.append("; the console list holds ").append(anomalies.anomalies().size()).append(" of ")
              .append(anomalies.total()).append(" anomalies, so its groupings are short");
        }
        long before = anomalies.anomalies().stream()
            .filter(a -> a.firstSeen() != null && Instant.parse(a.firstSeen()).isBefore(span.from())).count();
        if (before > 0) {
          caveats.append("; ").append(before).append(" anomalies the console lists began before the range (still active in it),"
              + " which Kibana's time filter on @timestamp (first sight) leaves out");
        }
      }
      return caveats.toString();
    }
  }
}
