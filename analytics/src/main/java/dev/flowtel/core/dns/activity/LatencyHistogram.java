package dev.flowtel.core.dns.activity;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * DNS latencies in fixed log-linear buckets (the layout documented on DnsActivity.latencyBuckets):
 * exact below 16 us, then eight equal buckets per power of two up to 2^27 us. Fixed buckets, not a
 * t-digest as RTT uses, because counts per bucket add: rows of any window, name or workload merge by
 * adding arrays, in any order, to the same result in every engine, and a percentile read from them
 * is within 1/16 of the true value. The buckets in use are kept sparse (a name usually sees a few
 * latencies), sorted by index. Not thread-safe.
 */
public final class LatencyHistogram {

  /** Buckets 0..15 hold their latency exactly. */
  static final int EXACT_BELOW = 16;
  static final int SUB_BUCKETS_LOG2 = 3;
  /** Latencies of 2^27 us (134 s, far beyond any resolver timeout) or more count in the last bucket. */
  static final int MAX_EXPONENT = 26;
  public static final int BUCKETS = EXACT_BELOW + (MAX_EXPONENT - 3) * (1 << SUB_BUCKETS_LOG2);

  private int[] buckets = new int[0];
  private long[] counts = new long[0];
  private int used;
  private long total;
  private long max = -1;

  /** The bucket of a latency in whole microseconds (negative latencies count as 0). */
  public static int bucketOf(long micros) {
    if (micros < EXACT_BELOW) {
      return (int) Math.max(0, micros);
    }
    int e = 63 - Long.numberOfLeadingZeros(micros);
    if (e > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) ((micros >>> (e - SUB_BUCKETS_LOG2)) & ((1 << SUB_BUCKETS_LOG2) - 1));
    return EXACT_BELOW + ((e - 4) << SUB_BUCKETS_LOG2) + sub;
  }

  /** The smallest latency that falls in {@code bucket}. */
  public static long lowerBound(int bucket) {
    if (bucket < EXACT_BELOW) {
      return bucket;
    }
    int e = 4 + ((bucket - EXACT_BELOW) >> SUB_BUCKETS_LOG2);
    int sub = (bucket - EXACT_BELOW) & ((1 << SUB_BUCKETS_LOG2) - 1);
    return ((long) ((1 << SUB_BUCKETS_LOG2) + sub)) << (e - SUB_BUCKETS_LOG2);
  }

  /** The latency a percentile in {@code bucket} reports: the value itself below 16 us, else the bucket's middle. */
  static long representative(int bucket) {
    if (bucket < EXACT_BELOW) {
      return bucket;
    }
    int e = 4 + ((bucket - EXACT_BELOW) >> SUB_BUCKETS_LOG2);
    return lowerBound(bucket) + (1L << (e - SUB_BUCKETS_LOG2 - 1));
  }

  public void add(long micros) {
    addToBucket(bucketOf(micros), 1);
    total++;
    max = Math.max(max, Math.max(0, micros));
  }

  public void merge(LatencyHistogram other) {
    for (int i = 0; i < other.used; i++) {
      addToBucket(other.buckets[i], other.counts[i]);
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  public long count() {
    return total;
  }

  /** The largest latency added, exactly; null when none was. */
  public Long max() {
    return total == 0 ? null : max;
  }

  /**
   * The nearest-rank percentile ({@code q} in (0, 1]): the latency of the ceil(q * count)-th
   * smallest sample as its bucket reports it, never above the exact maximum; null when empty.
   */
  public Long percentile(double q) {
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < used; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(representative(buckets[i]), max);
      }
    }
    return max;
  }

  /** Counts per bucket index, dense, without the trailing empty buckets: DnsActivity.latencyBuckets. */
  public long[] bucketCounts() {
    if (used == 0) {
      return new long[0];
    }
    long[] dense = new long[buckets[used - 1] + 1];
    for (int i = 0; i < used; i++) {
      dense[buckets[i]] = counts[i];
    }
    return dense;
  }

  private void addToBucket(int bucket, long count) {
    int at = Arrays.binarySearch(buckets, 0, used, bucket);
    if (at >= 0) {
      counts[at] += count;
      return;
    }
    int insert = -at - 1;
    if (used == buckets.length) {
      int grown = Math.max(4, used * 2);
      buckets = Arrays.copyOf(buckets, grown);
      counts = Arrays.copyOf(counts, grown);
    }
    System.arraycopy(buckets, insert, buckets, insert + 1, used - insert);
    System.arraycopy(counts, insert, counts, insert + 1, used - insert);
    buckets[insert] = bucket;
    counts[insert] = count;
    used++;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeLong(max);
    out.writeShort(used);
    for (int i = 0; i < used; i++) {
      out.writeByte(buckets[i]);
      out.writeLong(counts[i]);
    }
  }

  static LatencyHistogram readFrom(DataInput in) throws IOException {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.max = in.readLong();
    int used = in.readShort();
    histogram.buckets = new int[used];
    histogram.counts = new long[used];
    for (int i = 0; i < used; i++) {
      histogram.buckets[i] = in.readUnsignedByte();
      histogram.counts[i] = in.readLong();
      histogram.total += histogram.counts[i];
    }
    histogram.used = used;
    return histogram;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyHistogram h && h.total == total && h.max == max
        && Arrays.equals(h.bucketCounts(), bucketCounts());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(total) * 31 + Arrays.hashCode(bucketCounts());
  }
}
