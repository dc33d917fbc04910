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
 * <p>Before any run is timed, every query runs untimed for {@code warmUp}, in the batches it is
 * timed in: a serving Elasticsearch has its search and aggregation code compiled by the JIT, and one
 * that has just loaded an index has not. The aggregates' query takes a few milliseconds, so it needs
 * thousands of runs to get there: after 60 runs it still took 1.4-1.6 times its warm time, while the
 * raw query, millions of documents per run, is warm after a few.
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
  private final Duration warmUp;

  private TopEdgesComparison(List<Row> rows, Duration warmUp) {
    this.rows = List.copyOf(rows);
    this.warmUp = warmUp;
  }

  /**
   * Times the queries in ranges ending at {@code end}, which must be a minute boundary at or after
   * the last flow (a boundary of the 10 s windows and of the 1 min rollups alike, so every index
   * counts the very same flows).
   */
  static TopEdgesComparison measure(ElasticsearchCalls calls, String rawIndex, String aggregates, Duration window, Duration rollup,
      Instant end, int repeats, Duration warmUp) {
    List<TopEdgesQuery[]> queries = new ArrayList<>();
    for (Duration range : RANGES) {
      queries.add(new TopEdgesQuery[] {
          new TopEdgesQuery(rawIndex, TopEdgesQuery.rawFilter(), range, end, 10),
          new TopEdgesQuery(aggregates, TopEdgesQuery.windowFilter(window), range, end, 10),
          new TopEdgesQuery(aggregates, TopEdgesQuery.windowFilter(rollup), range, end, 10)});
    }
    for (TopEdgesQuery[] ofRange : queries) {
      for (TopEdgesQuery query : ofRange) {
        query.warmUp(calls, warmUp);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < RANGES.size(); i++) {
      TopEdgesQuery[] q = queries.get(i);
      rows.add(new Row(RANGES.get(i), q[0].time(calls, repeats), q[1].time(calls, repeats), q[2].time(calls, repeats)));
    }
    return new TopEdgesComparison(rows, warmUp);
  }

  void print() {
    System.out.printf(Locale.ROOT, "%nTop 10 edges by bytes, medians of the runs after %s of every query untimed, request cache off.%n"
        + "ms: the server's time per search over batches of %d in one _msearch, one at a time / took of a lone search (whole ms, "
        + "truncated) / the client's round trip of a lone search.%nRatios: per search in batches / at least, from the lone "
        + "searches' took (raw's took over the aggregates' took + 1) / round trip.%n", Durations.format(warmUp), TopEdgesQuery.BATCH);
    System.out.printf(Locale.ROOT, "%-6s %24s %24s %24s %22s %22s  %s%n", "range", "raw", "10 s windows", "1 min rollups", "raw/windows",
        "raw/rollups", "same answer");
    for (Row q : rows) {
      System.out.printf(Locale.ROOT, "%-6s %24s %24s %24s %22s %22s  %s%n", Durations.format(q.range()),
          times(q.raw()), times(q.windows()), times(q.rollups()), ratios(q.raw(), q.windows()), ratios(q.raw(), q.rollups()),
          q.sameAnswer());
    }
    for (Row q : rows) {
      System.out.printf("%nTop edges over %s (aggregates' answer):%n", Durations.format(q.range()));
      q.windows().answer().edges().forEach(e -> System.out.printf(Locale.ROOT, "  %,16d  %s%n", e.bytes(), e.edge()));
    }
  }

  /**
   * Per search in batches (a batch that took 0 ms is read as 1 ms, its resolution, never as a division
   * by zero); at least: the smallest ratio both lone {@code took}s allow, each being truncated to whole
   * milliseconds; round trip.
   */
  private static String ratios(TopEdgesQuery.Timing raw, TopEdgesQuery.Timing aggregates) {
    return String.format(Locale.ROOT, "%6.1f / %5.1f / %5.1f", raw.serverMillis() / Math.max(aggregates.serverMillis(), 1.0 / TopEdgesQuery.BATCH),
        raw.tookMillis() / (aggregates.tookMillis() + 1), raw.roundTripMillis() / aggregates.roundTripMillis());
  }

  private static String times(TopEdgesQuery.Timing t) {
    return String.format(Locale.ROOT, "%7.2f / %4.0f / %7.1f", t.serverMillis(), t.tookMillis(), t.roundTripMillis());
  }
}
