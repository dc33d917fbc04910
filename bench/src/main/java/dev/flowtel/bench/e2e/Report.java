package dev.flowtel.bench.e2e;

import java.util.Locale;

/** The figures of one run, printed as the rows docs/benchmarks.md takes. */
final class Report {

  private final FlowInput input;
  private final RawPath.Result raw;
  private final FlowtelPath.Result flowtel;
  private final long rawBytes;
  private final long aggregateBytes;
  private final TopEdgesComparison queries;

  Report(FlowInput input, RawPath.Result raw, FlowtelPath.Result flowtel, long rawBytes, long aggregateBytes,
      TopEdgesComparison queries) {
    this.input = input;
    this.raw = raw;
    this.flowtel = flowtel;
    this.rawBytes = rawBytes;
    this.aggregateBytes = aggregateBytes;
    this.queries = queries;
  }

  void print(EndToEndBench bench) {
    double rawRate = input.flows() / raw.searchableSeconds();
    double flowtelRate = input.flows() / flowtel.searchableSeconds();
    System.out.printf(Locale.ROOT, "%nEnd to end, %,d flows from one topic to searchable in Elasticsearch (%s)%n", input.flows(),
        bench.settings());
    System.out.printf(Locale.ROOT, "%-44s %12s %10s %12s%n", "path, start to all searchable", "flows/s", "seconds", "documents");
    System.out.printf(Locale.ROOT, "%-44s %,12.0f %10.1f %,12d%n", "(a) raw, one ECS document per flow", rawRate, raw.searchableSeconds(),
        raw.documents());
    System.out.printf(Locale.ROOT, "%-44s %,12.0f %10.1f %,12d%n", "(b) Flowtel, traffic job + sink", flowtelRate,
        flowtel.searchableSeconds(), flowtel.documents());
    System.out.printf(Locale.ROOT, "ratio b/a, start to all searchable: %.1f (raw: all acknowledged after %.1f s; Flowtel: job done after "
        + "%.1f s, sink done after %.1f s)%n", flowtelRate / rawRate, raw.ackedSeconds(), flowtel.jobSeconds(), flowtel.sinkAckedSeconds());

    // Sustained: each path's rate once running, before its fixed costs at the start (JVM warm-up, the
    // MiniCluster, the group join) and the end (a bounded job's final checkpoint, the refresh).
    double flowsPerRecord = (double) input.flows() / flowtel.records();
    double jobRate = input.flows() / flowtel.readingSeconds();
    double sinkRate = flowtel.sinkRecordsPerSecond() * flowsPerRecord;
    double flowtelSustained = Math.min(jobRate, sinkRate);
    System.out.printf(Locale.ROOT, "%nSustained flows/s%n");
    System.out.printf(Locale.ROOT, "  (a) raw: %,.0f (acknowledged between the first and the last tenth of the flows)%n",
        raw.sustainedFlowsPerSecond());
    System.out.printf(Locale.ROOT, "  (b) Flowtel: %,.0f, the slower of the job, %,.0f while reading (%.1f s), and the sink, %,.0f traffic "
        + "records/s while it had them, %.1f flows per record: %,.0f%n", flowtelSustained, jobRate, flowtel.readingSeconds(),
        flowtel.sinkRecordsPerSecond(), flowsPerRecord, sinkRate);
    System.out.printf(Locale.ROOT, "  ratio b/a, sustained: %.1f%n", flowtelSustained / raw.sustainedFlowsPerSecond());
    System.out.printf(Locale.ROOT, "store after refresh and force-merge to one segment: raw %,.1f MB, aggregates %,.2f MB (10 s windows "
        + "and 1 min rollups), ratio %.0f%n", rawBytes / 1e6, aggregateBytes / 1e6, (double) rawBytes / aggregateBytes);
    queries.print();
  }
}
