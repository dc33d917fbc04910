package dev.flowtel.core.policy.whatif;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of replaying history against a proposed policy set: one {@link EdgeChange} per
 * source workload, destination workload, port and protocol, newly denied first (most bytes
 * first), and what a table or JSON renderer and a CI gate need on top.
 */
public record ReplayReport(List<EdgeChange> changes) {

  public ReplayReport {
    changes = List.copyOf(changes);
  }

  /** Edges per change, every change present (0 when none). */
  public Map<EdgeChange.Change, Long> counts() {
    Map<EdgeChange.Change, Long> counts = new EnumMap<>(EdgeChange.Change.class);
    for (EdgeChange.Change change : EdgeChange.Change.values()) {
      counts.put(change, 0L);
    }
    changes.forEach(c -> counts.merge(c.change(), 1L, Long::sum));
    return counts;
  }

  public List<EdgeChange> changes(EdgeChange.Change change) {
    return changes.stream().filter(c -> c.change() == change).toList();
  }

  /** For {@code --fail-on-new-denies}. */
  public boolean hasNewDenies() {
    return changes.stream().anyMatch(c -> c.change() == EdgeChange.Change.NEWLY_DENIED);
  }

  /** One line per workload (either end of an edge; an edge counts for both), by name. */
  public List<WorkloadTotals> totalsByWorkload() {
    Map<String, WorkloadTotals> totals = new TreeMap<>();
    for (EdgeChange change : changes) {
      for (String workload : change.source().equals(change.destination()) ? List.of(change.source())
          : List.of(change.source(), change.destination())) {
        totals.computeIfAbsent(workload, w -> new WorkloadTotals(w, 0, 0, 0, 0, 0, 0, 0));
        totals.computeIfPresent(workload, (w, t) -> t.plus(change));
      }
    }
    return List.copyOf(totals.values());
  }
}
