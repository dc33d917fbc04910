package dev.flowtel.core.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Given latencies recorded into the seconds-level buckets, then counts, sums, quantiles and the
 * Prometheus text are exactly what those latencies make.
 */
class LatencyHistogramTest {

  @Test
  void bucketsCountSumAndMaxAreTheRecordedLatencies() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(250);    // on the 0.25 s bound: in it
    histogram.record(251);    // just above: in 0.5
    histogram.record(4_000);  // 5
    histogram.record(-30);    // clock skew: counts as 0
    histogram.record(200_000); // above 120 s: the open bucket
    LatencyHistogram.Snapshot s = histogram.snapshot();
    assertThat(s.count()).isEqualTo(5);
    assertThat(s.sumMillis()).isEqualTo(250 + 251 + 4_000 + 200_000);
    assertThat(s.maxMillis()).isEqualTo(200_000);
    assertThat(s.bucketCounts()).containsExactly(2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
  }

  @Test
  void quantilesInterpolateInsideTheirBucketAndNeverExceedTheMax() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < 100; i++) {
      histogram.record(i < 50 ? 1_500 : 9_000); // 50 in (1, 2], 50 in (7.5, 10]
    }
    LatencyHistogram.Snapshot s = histogram.snapshot();
    assertThat(s.quantileSeconds(0.5)).isCloseTo(2.0, within(1e-9));
    // rank 99 of 100: 49/50 of the way through (7.5, 10], capped at the max 9.0
    assertThat(s.quantileSeconds(0.99)).isCloseTo(9.0, within(1e-9));
    assertThat(s.quantileSeconds(0.25)).isCloseTo(1.5, within(1e-9));
    assertThat(new LatencyHistogram().snapshot().quantileSeconds(0.5)).isNaN();
  }

  @Test
  void prometheusTextIsACumulativeHistogramInSecondsPerLabel() {
    LatencyHistograms latency = new LatencyHistograms("flowtel_test_latency_seconds", "Test.", "kind");
    latency.of("anomaly").record(800);
    latency.of("anomaly").record(12_000);
    StringBuilder text = new StringBuilder();
    latency.appendPrometheusText(text);
    assertThat(text.toString()).contains(
        "# TYPE flowtel_test_latency_seconds histogram\n",
        "flowtel_test_latency_seconds_bucket{kind=\"anomaly\",le=\"0.5\"} 0\n",
        "flowtel_test_latency_seconds_bucket{kind=\"anomaly\",le=\"1.0\"} 1\n",
        "flowtel_test_latency_seconds_bucket{kind=\"anomaly\",le=\"10.0\"} 1\n",
        "flowtel_test_latency_seconds_bucket{kind=\"anomaly\",le=\"15.0\"} 2\n",
        "flowtel_test_latency_seconds_bucket{kind=\"anomaly\",le=\"+Inf\"} 2\n",
        "flowtel_test_latency_seconds_sum{kind=\"anomaly\"} 12.8\n",
        "flowtel_test_latency_seconds_count{kind=\"anomaly\"} 2\n");
  }
}
