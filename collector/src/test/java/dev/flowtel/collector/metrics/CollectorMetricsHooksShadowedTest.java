package dev.flowtel.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.collector.capture.CaptureMetrics;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** flowtel_collector_hooks_shadowed reports, per hook, what the capture counted when scraped. */
class CollectorMetricsHooksShadowedTest {

  @Test
  void eachHookIsALabelWithTheCapturesCount() {
    CollectorMetrics metrics = new CollectorMetrics();
    assertThat(shadowed(metrics)).as("no capture observed").isEqualTo(Map.of("ingress", 0.0, "egress", 0.0));

    // 2 interfaces shadowed at ingress, 1 at egress; every other figure 0.
    metrics.observeCapture(() -> new CaptureMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1));

    assertThat(shadowed(metrics)).isEqualTo(Map.of("ingress", 2.0, "egress", 1.0));
  }

  private static Map<String, Double> shadowed(CollectorMetrics metrics) {
    GaugeSnapshot gauge = (GaugeSnapshot) metrics.registry().scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("flowtel_collector_hooks_shadowed")).findFirst().orElseThrow();
    return gauge.getDataPoints().stream().collect(Collectors.toMap(d -> d.getLabels().get("hook"), GaugeSnapshot.GaugeDataPointSnapshot::getValue));
  }
}
