package dev.flowtel.core.latency;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long records took from the end of their evidence (the flow that completed an anomaly's
 * evidence, a traffic window's end) to a point on their way out (produced, committed on the topic,
 * acknowledged by Elasticsearch), in fixed buckets made for seconds-level latency. One class for
 * both engines, the sink and {@code up}'s live view, so their buckets and quantiles agree.
 * Lock-free: recorded from stream threads, read by HTTP handlers.
 */
public final class LatencyHistogram {

  /** Upper bounds (inclusive) of the buckets, in seconds; a last bucket holds everything above. */
  public static final double[] BUCKET_BOUNDS_SECONDS = {0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120};

  private static final long[] BOUNDS_MILLIS = Arrays.stream(BUCKET_BOUNDS_SECONDS).mapToLong(s -> Math.round(s * 1000)).toArray();

  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MILLIS.length + 1);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong sumMillis = new AtomicLong();
  private final AtomicLong maxMillis = new AtomicLong();

  /**
   * Records one latency. A negative one (the record's clock ahead of this one's, which skew
   * between hosts can do) counts as 0: the record was as early as can be observed.
   */
  public void record(long millis) {
    long latency = Math.max(0, millis);
    int bucket = Arrays.binarySearch(BOUNDS_MILLIS, latency);
    buckets.incrementAndGet(bucket >= 0 ? bucket : -bucket - 1);
    sumMillis.addAndGet(latency);
    maxMillis.accumulateAndGet(latency, Math::max);
    count.incrementAndGet();
  }

  /** Records the time from {@code evidenceEndMillis} (epoch ms) to {@code nowMillis}. */
  public void recordSince(long evidenceEndMillis, long nowMillis) {
    record(nowMillis - evidenceEndMillis);
  }

  public long count() {
    return count.get();
  }

  /** A consistent enough copy to render or to take quantiles of (each field read once). */
  public Snapshot snapshot() {
    long[] counts = new long[buckets.length()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets.get(i);
    }
    return new Snapshot(counts, Arrays.stream(counts).sum(), sumMillis.get(), maxMillis.get());
  }

  /**
   * A histogram's state at one moment.
   *
   * @param bucketCounts records per bucket (not cumulative), the last one above the highest bound
   * @param count        records in all
   * @param sumMillis    sum of the latencies
   * @param maxMillis    the largest latency recorded
   */
  public record Snapshot(long[] bucketCounts, long count, long sumMillis, long maxMillis) {

    /**
     * The {@code q}-quantile in seconds, interpolated linearly inside its bucket as Prometheus'
     * {@code histogram_quantile} does, but never above the largest latency recorded (which is
     * also the answer in the open last bucket). NaN when nothing was recorded.
     */
    public double quantileSeconds(double q) {
      if (count == 0) {
        return Double.NaN;
      }
      double rank = q * count;
      long below = 0;
      double max = maxMillis / 1000.0;
      for (int i = 0; i < bucketCounts.length; i++) {
        long inBucket = bucketCounts[i];
        if (inBucket > 0 && below + inBucket >= rank) {
          if (i == BUCKET_BOUNDS_SECONDS.length) {
            return max;
          }
          double lower = i == 0 ? 0 : BUCKET_BOUNDS_SECONDS[i - 1];
          double upper = BUCKET_BOUNDS_SECONDS[i];
          double estimate = lower + (upper - lower) * Math.max(0, rank - below) / inBucket;
          return Math.min(estimate, max);
        }
        below += inBucket;
      }
      return max;
    }
  }
}
