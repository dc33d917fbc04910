package dev.flowtel.core.latency;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One latency metric with one label (for example {@code kind="anomaly"}, {@code kind="traffic"}),
 * a {@link LatencyHistogram} per label value, and its Prometheus text exposition as a histogram
 * in seconds: {@code _bucket{le=...}} (cumulative), {@code _sum} and {@code _count}.
 */
public final class LatencyHistograms {

  private final String name;
  private final String help;
  private final String label;
  private final Map<String, LatencyHistogram> byValue = new ConcurrentSkipListMap<>();

  /**
   * @param name  Prometheus metric name, ending in {@code _seconds}
   * @param help  one line for # HELP
   * @param label the label that tells the histograms apart
   */
  public LatencyHistograms(String name, String help, String label) {
    this.name = name;
    this.help = help;
    this.label = label;
  }

  /** The histogram for this label value, created empty on first use. */
  public LatencyHistogram of(String labelValue) {
    return byValue.computeIfAbsent(labelValue, v -> new LatencyHistogram());
  }

  /** The histogram for this label value, or an empty snapshot when none was recorded. */
  public LatencyHistogram.Snapshot snapshot(String labelValue) {
    LatencyHistogram histogram = byValue.get(labelValue);
    return histogram == null ? new LatencyHistogram().snapshot() : histogram.snapshot();
  }

  public String name() {
    return name;
  }

  /** Appends the Prometheus text exposition (format 0.0.4) of every label value seen so far. */
  public void appendPrometheusText(StringBuilder out) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    byValue.forEach((value, histogram) -> {
      LatencyHistogram.Snapshot s = histogram.snapshot();
      String labelPair = label + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      long cumulative = 0;
      for (int i = 0; i < s.bucketCounts().length; i++) {
        cumulative += s.bucketCounts()[i];
        String le = i < LatencyHistogram.BUCKET_BOUNDS_SECONDS.length ? bound(LatencyHistogram.BUCKET_BOUNDS_SECONDS[i]) : "+Inf";
        out.append(name).append("_bucket{").append(labelPair).append(",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
      }
      out.append(name).append("_sum{").append(labelPair).append("} ").append(s.sumMillis() / 1000.0).append('\n');
      out.append(name).append("_count{").append(labelPair).append("} ").append(s.count()).append('\n');
    });
  }

  private static String bound(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) + ".0" : Double.toString(seconds);
  }
}
