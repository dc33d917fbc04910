package dev.flowtel.bench.e2e;

import dev.flowtel.core.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Top 10 edges by bytes" over the last 15 minutes and the last 24 hours, timed on the raw index,
 * on the 10 s windows and on the 1 min rollups, and the answers compared edge by edge.
 *
 * <p>Before any run is timed, every query runs {@code warmUpRounds} times in turn, untimed: a
 * serving Elasticsearch has its search and aggregation code compiled by the JIT, and one that has
 * just loaded an index has not (the first bench runs timed the aggregates' few milliseconds of fixed
 * cost mostly in the interpreter, at 2-3 times their warm figure, and the raw query at twice its).
 */
final class TopEdgesComparison {

  /** One range's timings on the three indices. */
  record Row(Duration range, TopEdgesQuery.Timing raw, TopEdgesQuery.Timing windows, TopEdgesQuery.Timing rollups) {

    String sameAnswer() {
      List<String> differences = new ArrayList<>(raw.answer().differencesFrom(windows.answer()));
      differences.addAll(raw.answer().differencesFrom(rollups.answer()));
      return differences.isEmpty() ? "yes" : "NO: " + differences;
    }
  }

  private static final List<Duration> RANGES = List.of(Duration.ofMinutes(15), Duration.ofHours(24));

  private final List<Row> rows;
  private final int warmUpRounds;

  private TopEdgesComparison(List<Row> rows, int warmUpRounds) {
    this.rows = List.copyOf(rows);
    this.warmUpRounds = warmUpRounds;
  }

  /**
   * Times the queries in ranges ending at {@code end}, which must be a minute boundary at or after
   * the last flow (a boundary of the 10 s windows and of the 1 min rollups alike, so every index
   * counts the very same flows).
   */
  static TopEdgesComparison measure(ElasticsearchCalls calls, String rawIndex, String aggregates, Duration window, Duration rollup,
      Instant end, int repeats, int warmUpRounds) {
    List<TopEdgesQuery[]> queries = new ArrayList<>();
    for (Duration range : RANGES) {
      queries.add(new TopEdgesQuery[] {
          new TopEdgesQuery(rawIndex, TopEdgesQuery.rawFilter(), range, end, 10),
          new TopEdgesQuery(aggregates, TopEdgesQuery.windowFilter(window), range, end, 10),
          new TopEdgesQuery(aggregates, TopEdgesQuery.windowFilter(rollup), range, end, 10)});
    }
    for (int round = 0; round < warmUpRounds; round++) {
      for (TopEdgesQuery[] ofRange : queries) {
        for (TopEdgesQuery query : ofRange) {
          query.time(calls, 1);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < RANGES.size(); i++) {
      TopEdgesQuery[] q = queries.get(i);
      rows.add(new Row(RANGES.get(i), q[0].time(calls, repeats), q[1].time(calls, repeats), q[2].time(calls, repeats)));
    }
    return new TopEdgesComparison(rows, warmUpRounds);
  }

  void print() {
    System.out.printf(Locale.ROOT, "%nTop 10 edges by bytes, median of the runs after %d untimed rounds of every query, request cache off "
        + "(ms: server took / client round trip)%n", warmUpRounds);
    System.out.printf(Locale.ROOT, "%-8s %18s %18s %18s %14s %14s  %s%n", "range", "raw", "10 s windows", "1 min rollups", "raw/windows",
        "raw/rollups", "same answer");
    for (Row q : rows) {
      System.out.printf(Locale.ROOT, "%-8s %8.1f / %7.1f %8.1f / %7.1f %8.1f / %7.1f %6.1f / %5.1f %6.1f / %5.1f  %s%n",
          Durations.format(q.range()), q.raw().tookMillis(), q.raw().roundTripMillis(), q.windows().tookMillis(),
          q.windows().roundTripMillis(), q.rollups().tookMillis(), q.rollups().roundTripMillis(),
          ratio(q.raw().tookMillis(), q.windows().tookMillis()), q.raw().roundTripMillis() / q.windows().roundTripMillis(),
          ratio(q.raw().tookMillis(), q.rollups().tookMillis()), q.raw().roundTripMillis() / q.rollups().roundTripMillis(),
          q.sameAnswer());
    }
    for (Row q : rows) {
      System.out.printf("%nTop edges over %s (aggregates' answer):%n", Durations.format(q.range()));
      q.windows().answer().edges().forEach(e -> System.out.printf(Locale.ROOT, "  %,16d  %s%n", e.bytes(), e.edge()));
    }
  }

  /** Elasticsearch reports {@code took} in whole milliseconds: a 0 ms median is read as 0.5 ms, never a division by zero. */
  private static double ratio(double rawMillis, double aggregateMillis) {
    return rawMillis / Math.max(aggregateMillis, 0.5);
  }
}
