package dev.flowtel.core.dns.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Given DNS latencies, the histogram's percentiles are those of the sorted samples within the documented 1/16. */
class LatencyHistogramTest {

  @Test
  void bucketsFollowTheLayoutDocumentedOnTheSchema() {
    assertThat(LatencyHistogram.bucketOf(0)).isZero();
    assertThat(LatencyHistogram.bucketOf(15)).isEqualTo(15);
    assertThat(LatencyHistogram.bucketOf(16)).isEqualTo(16);
    assertThat(LatencyHistogram.bucketOf(17)).isEqualTo(16);
    assertThat(LatencyHistogram.bucketOf(18)).isEqualTo(17);
    assertThat(LatencyHistogram.bucketOf(31)).isEqualTo(23);
    assertThat(LatencyHistogram.bucketOf(32)).isEqualTo(24);
    // 1000 us: e = 9, (1000 >> 6) & 7 = 15 & 7 = 7 -> 16 + 8 * 5 + 7
    assertThat(LatencyHistogram.bucketOf(1000)).isEqualTo(63);
    assertThat(LatencyHistogram.bucketOf((1L << 27) - 1)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    assertThat(LatencyHistogram.BUCKETS).isEqualTo(200);
    for (int b = 0; b < LatencyHistogram.BUCKETS; b++) {
      long lower = LatencyHistogram.lowerBound(b);
      assertThat(LatencyHistogram.bucketOf(lower)).as("lower bound of bucket %d", b).isEqualTo(b);
      assertThat(LatencyHistogram.bucketOf(lower - 1)).as("below bucket %d", b).isEqualTo(Math.max(0, b - 1));
    }
  }

  @Test
  void percentilesAreTheSortedSamplesNearestRankWithinOneSixteenth() {
    Random rnd = new Random(19);
    for (int run = 0; run < 50; run++) {
      LatencyHistogram histogram = new LatencyHistogram();
      List<Long> samples = new ArrayList<>();
      int n = 1 + rnd.nextInt(2000);
      for (int i = 0; i < n; i++) {
        // log-uniform from 1 us to about 4 s, as resolver latencies spread
        long micros = (long) Math.exp(rnd.nextDouble() * Math.log(4_000_000));
        samples.add(micros);
        histogram.add(micros);
      }
      Collections.sort(samples);
      for (double q : new double[] {0.5, 0.9, 0.99, 1.0}) {
        long exact = samples.get((int) Math.ceil(q * n) - 1);
        long tolerance = exact < 16 ? 0 : exact / 16;
        assertThat(histogram.percentile(q)).as("p%s of %d samples", q * 100, n).isBetween(exact - tolerance, exact + tolerance);
      }
      assertThat(histogram.max()).isEqualTo(samples.get(n - 1));
      assertThat(histogram.count()).isEqualTo(n);
      assertThat(java.util.Arrays.stream(histogram.bucketCounts()).sum()).isEqualTo(n);
    }
  }

  @Test
  void emptyHasNoPercentilesAndNoBuckets() {
    LatencyHistogram empty = new LatencyHistogram();
    assertThat(empty.percentile(0.99)).isNull();
    assertThat(empty.max()).isNull();
    assertThat(empty.bucketCounts()).isEmpty();
  }

  @Test
  void bucketCountsAreDenseUpToTheLastUsedBucket() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.add(3);
    histogram.add(3);
    histogram.add(17);
    assertThat(histogram.bucketCounts()).containsExactly(0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    assertThat(histogram.percentile(1.0)).isEqualTo(17); // the middle of [16, 18) is 17, and never above the max
  }
}
