package dev.flowtel.flink.metrics;

import dev.flowtel.core.latency.LatencyHistogram;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * A Flink {@link Histogram} over the project's {@link LatencyHistogram}, in milliseconds: from the
 * end of a record's evidence (anomaly lastSeen, traffic windowEnd) to the operator emitting it.
 * Registered on the emitting operator as {@value #NAME} in the group {@code kind=<kind>}, which
 * Flink's PrometheusReporter exports as a summary with a {@code kind} label. Emitted is not yet
 * visible: with exactly-once output a read_committed reader sees it after the next checkpoint.
 */
public final class EvidenceLatencyHistogram implements Histogram {

  public static final String NAME = "evidenceToEmittedMillis";

  private final LatencyHistogram histogram = new LatencyHistogram();

  /** Registers one on the operator of {@code context}; {@code kind} is anomaly or traffic. */
  public static EvidenceLatencyHistogram register(RuntimeContext context, String kind) {
    return context.getMetricGroup().addGroup("kind", kind).histogram(NAME, new EvidenceLatencyHistogram());
  }

  /** Records the time from {@code evidenceEndMillis} to now. */
  public void emittedNow(long evidenceEndMillis) {
    histogram.recordSince(evidenceEndMillis, System.currentTimeMillis());
  }

  @Override
  public void update(long millis) {
    histogram.record(millis);
  }

  @Override
  public long getCount() {
    return histogram.count();
  }

  @Override
  public HistogramStatistics getStatistics() {
    LatencyHistogram.Snapshot snapshot = histogram.snapshot();
    return new HistogramStatistics() {
      @Override
      public double getQuantile(double quantile) {
        return snapshot.count() == 0 ? 0 : snapshot.quantileSeconds(quantile) * 1000;
      }

      /** Buckets, not samples, are kept: no values to give. */
      @Override
      public long[] getValues() {
        return new long[0];
      }

      @Override
      public int size() {
        return (int) Math.min(Integer.MAX_VALUE, snapshot.count());
      }

      @Override
      public double getMean() {
        return snapshot.count() == 0 ? 0 : (double) snapshot.sumMillis() / snapshot.count();
      }

      /** Not kept (buckets only); 0. */
      @Override
      public double getStdDev() {
        return 0;
      }

      @Override
      public long getMax() {
        return snapshot.maxMillis();
      }

      /** Not kept exactly: the lower bound of the lowest non-empty bucket. */
      @Override
      public long getMin() {
        long[] counts = snapshot.bucketCounts();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] > 0) {
            return i == 0 ? 0 : Math.round(LatencyHistogram.BUCKET_BOUNDS_SECONDS[i - 1] * 1000);
          }
        }
        return 0;
      }
    };
  }
}
