package dev.flowtel.bench.e2e;

import dev.flowtel.core.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of one run, printed as the rows docs/benchmarks.md takes. */
final class Report {

  private record QueryRow(Duration range, TopEdgesQuery.Timing raw, TopEdgesQuery.Timing aggregates, List<String> differences) {}

  private final FlowInput input;
  private final RawPath.Result raw;
  private final FlowtelPath.Result flowtel;
  private final long rawBytes;
  private final long aggregateBytes;
  private final List<QueryRow> queries = new ArrayList<>();

  Report(FlowInput input, RawPath.Result raw, FlowtelPath.Result flowtel, long rawBytes, long aggregateBytes) {
    this.input = input;
    this.raw = raw;
    this.flowtel = flowtel;
    this.rawBytes = rawBytes;
    this.aggregateBytes = aggregateBytes;
  }

  void query(Duration range, TopEdgesQuery.Timing onRaw, TopEdgesQuery.Timing onAggregates) {
    queries.add(new QueryRow(range, onRaw, onAggregates, onRaw.answer().differencesFrom(onAggregates.answer())));
  }

  void print(EndToEndBench bench) {
    double rawRate = input.flows() / raw.searchableSeconds();
    double flowtelRate = input.flows() / flowtel.searchableSeconds();
    System.out.printf(Locale.ROOT, "%nEnd to end, %,d flows from one topic to searchable in Elasticsearch (%s)%n", input.flows(),
        bench.settings());
    System.out.printf(Locale.ROOT, "%-44s %12s %10s %12s%n", "path", "flows/s", "seconds", "documents");
    System.out.printf(Locale.ROOT, "%-44s %,12.0f %10.1f %,12d%n", "(a) raw, one ECS document per flow", rawRate, raw.searchableSeconds(),
        raw.documents());
    System.out.printf(Locale.ROOT, "%-44s %,12.0f %10.1f %,12d%n", "(b) Flowtel, traffic job + sink", flowtelRate,
        flowtel.searchableSeconds(), flowtel.documents());
    System.out.printf(Locale.ROOT, "ratio b/a: %.1f (raw: all acknowledged after %.1f s; Flowtel: job done after %.1f s)%n",
        flowtelRate / rawRate, raw.ackedSeconds(), flowtel.jobSeconds());
    System.out.printf(Locale.ROOT, "store after refresh and force-merge to one segment: raw %,.1f MB, aggregates %,.2f MB (10 s windows "
        + "and 1 min rollups), ratio %.0f%n", rawBytes / 1e6, aggregateBytes / 1e6, (double) rawBytes / aggregateBytes);
    System.out.printf(Locale.ROOT, "%nTop 10 edges by bytes, median of the runs, request cache off (ms: server took / client round trip)%n");
    System.out.printf(Locale.ROOT, "%-8s %20s %20s %12s  %s%n", "range", "raw", "aggregates", "raw/aggr.", "same answer");
    for (QueryRow q : queries) {
      System.out.printf(Locale.ROOT, "%-8s %9.1f / %8.1f %9.1f / %8.1f %12.1f  %s%n", Durations.format(q.range()), q.raw().tookMillis(),
          q.raw().roundTripMillis(), q.aggregates().tookMillis(), q.aggregates().roundTripMillis(),
          q.raw().roundTripMillis() / q.aggregates().roundTripMillis(), q.differences().isEmpty() ? "yes" : "NO: " + q.differences());
    }
    for (QueryRow q : queries) {
      System.out.printf("%nTop edges over %s (aggregates' answer):%n", Durations.format(q.range()));
      q.aggregates().answer().edges().forEach(e -> System.out.printf(Locale.ROOT, "  %,16d  %s%n", e.bytes(), e.edge()));
    }
  }
}
