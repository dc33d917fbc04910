package dev.flowtel.streams.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges the answers of the application's instances into one, as a single instance holding every
 * partition would give it. Each edge and each anomaly lives in one partition, so the instances'
 * answers are disjoint; while partitions move they may overlap, hence the dedup by latest revision.
 */
public final class QueryMerge {

  /** The order of {@code /edges/top}: bytes (both directions) descending, then by edge key. */
  public static final Comparator<EdgeRow> LARGEST_FIRST = Comparator.comparingLong(EdgeRow::bytes).reversed()
      .thenComparing(EdgeRow::edge);

  private QueryMerge() {}

  /** The newest window any instance answered for ({@code window=latest} of the whole application), if any. */
  public static Optional<Instant> latestWindow(Collection<TopEdges> answers) {
    return answers.stream().map(TopEdges::windowStart).filter(Objects::nonNull).max(Comparator.naturalOrder());
  }

  /**
   * The top {@code n} edges of the window starting at {@code windowStart} over all answers. Answers
   * for another window are left out, never mixed in: the caller asks those instances again for this
   * window. Every instance sent its own top n, which holds its share of the overall top n.
   */
  public static TopEdges topEdges(int n, Instant windowStart, Collection<TopEdges> answers) {
    if (windowStart == null) {
      return TopEdges.none();
    }
    Instant windowEnd = null;
    Map<String, EdgeRow> byEdge = new LinkedHashMap<>();
    for (TopEdges answer : answers) {
      if (!windowStart.equals(answer.windowStart())) {
        continue;
      }
      windowEnd = answer.windowEnd();
      for (EdgeRow row : answer.edges()) {
        byEdge.merge(row.edge(), row, (a, b) -> b.revision() > a.revision() ? b : a);
      }
    }
    if (windowEnd == null) {
      return TopEdges.none();
    }
    List<EdgeRow> rows = new ArrayList<>(byEdge.values());
    rows.sort(LARGEST_FIRST);
    return new TopEdges(windowStart, windowEnd, rows.subList(0, Math.min(n, rows.size())));
  }

  /** The union of the open anomalies, one per id (its highest revision), newest sighting first, then by id. */
  public static List<OpenAnomaly> openAnomalies(Collection<List<OpenAnomaly>> answers) {
    Map<String, OpenAnomaly> byId = new LinkedHashMap<>();
    for (List<OpenAnomaly> answer : answers) {
      for (OpenAnomaly a : answer) {
        byId.merge(a.id(), a, (x, y) -> y.revision() > x.revision() ? y : x);
      }
    }
    List<OpenAnomaly> out = new ArrayList<>(byId.values());
    out.sort(OpenAnomaly.NEWEST_FIRST);
    return out;
  }
}
