package dev.flowtel.cli;

import dev.flowtel.core.latency.LatencyHistogram;
import dev.flowtel.sink.elasticsearch.metrics.SinkLatency;
import java.util.List;
import java.util.Locale;

/**
 * How {@code up} shows latency: p50/p99 over the run for each path a user waits on, from the
 * Elasticsearch sink's histograms (it sees both ends: the record's evidence end, the topic, the
 * bulk acknowledgement). Quantiles are interpolated within the histogram's buckets.
 */
final class LatencyText {

  /** One path: its name and where its histogram is. */
  private record Path(String name, String unit, boolean indexed, String kind) {

    LatencyHistogram.Snapshot of(SinkLatency latency) {
      return indexed ? latency.indexed(kind) : latency.committed(kind);
    }
  }

  private static final List<Path> PATHS = List.of(
      new Path("anomaly -> topic", "anomalies", false, SinkLatency.ANOMALY),
      new Path("anomaly -> Elasticsearch", "anomalies", true, SinkLatency.ANOMALY),
      new Path("traffic window -> Elasticsearch", "windows", true, SinkLatency.TRAFFIC));

  private LatencyText() {}

  /** One line for the live view, e.g. {@code latency p50/p99: anomaly -> topic 1.2/3.4 s | ...}. */
  static String line(SinkLatency latency) {
    StringBuilder out = new StringBuilder("latency p50/p99:");
    for (int i = 0; i < PATHS.size(); i++) {
      LatencyHistogram.Snapshot s = PATHS.get(i).of(latency);
      out.append(i == 0 ? " " : " | ").append(PATHS.get(i).name()).append(' ')
          .append(s.count() == 0 ? "-" : String.format(Locale.ROOT, "%.1f/%.1f s", s.quantileSeconds(0.5), s.quantileSeconds(0.99)));
    }
    return out.toString();
  }

  /** The summary's lines, one per path, with how many records each figure covers. */
  static String summary(SinkLatency latency) {
    StringBuilder out = new StringBuilder("  latency p50 / p99 over the run, from the evidence's end (first revisions):\n");
    for (Path path : PATHS) {
      LatencyHistogram.Snapshot s = path.of(latency);
      out.append(String.format(Locale.ROOT, "    %-33s", path.name()));
      out.append(s.count() == 0 ? "none measured\n" : String.format(Locale.ROOT, "%.1f s / %.1f s  (%,d %s)%n",
          s.quantileSeconds(0.5), s.quantileSeconds(0.99), s.count(), path.unit()));
    }
    return out.toString();
  }
}
