package dev.flowtel.streams.detection;

import static dev.flowtel.streams.ScriptedFlows.CHECKOUT_0;
import static dev.flowtel.streams.ScriptedFlows.CHECKOUT_0_IP;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_1;
import static dev.flowtel.streams.ScriptedFlows.FRONTEND_1_IP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.latency.LatencyHistogram;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.ScriptedFlows;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The detection topology in a TopologyTestDriver, through the repartition by client address: given
 * one frontend pod sending bare SYNs to 60 ports of the checkout pod within one minute (each seen at
 * both nodes), then one PORT_SCAN anomaly comes out on the flow that made it a scan (the 50th port),
 * keyed by its id; when event time passes the scan window and the report interval, its revision with
 * the whole window's exact evidence follows, and it stays in the open-anomalies store until its
 * cooldown ends.
 */
class DetectionTopologyTest {

  private static final int SYN = 0x02;

  @Test
  void aPortScanThroughTheRepartitionBecomesOneAnomalyWithExactEvidence() throws Exception {
    WireCodec<dev.flowtel.schema.FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    long startedAt = System.currentTimeMillis();
    try (Driver app = new Driver("--no-traffic", "--scan-min-ports", "50")) {
      for (int i = 0; i < 60; i++) {
        double second = 1 + i * 0.5;
        for (Direction direction : List.of(Direction.INGRESS, Direction.EGRESS)) {
          app.flow("scan".getBytes(StandardCharsets.UTF_8), codec.encode(ScriptedFlows.flow(FRONTEND_1, FRONTEND_1_IP,
              40_000 + i, CHECKOUT_0, CHECKOUT_0_IP, 1000 + i, direction == Direction.INGRESS ? "node-a" : "node-b",
              direction, second, 60, SYN, null)));
        }
      }
      // Event time reaches past the first minute: the scan window closes.
      app.flow("scan".getBytes(StandardCharsets.UTF_8), codec.encode(ScriptedFlows.flow(FRONTEND_1, FRONTEND_1_IP, 39_999,
          CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.INGRESS, 80, 500, 0x12, 300L)));

      List<PolicyAnomaly> anomalies = app.anomalies();
      assertThat(anomalies).hasSize(1);
      PolicyAnomaly scan = anomalies.get(0);
      assertThat(scan.getType()).isEqualTo(AnomalyType.PORT_SCAN);
      assertThat(scan.getSeverity()).isEqualTo(Severity.HIGH);
      assertThat(scan.getRevision()).isZero();
      assertThat(scan.getEvidence().getCounters()).containsEntry("distinctPorts", 50L).doesNotContainKey("attempts");
      assertThat(scan.getFirstSeen()).isEqualTo(ScriptedFlows.T0.plusSeconds(1));
      assertThat(scan.getLastSeen()).as("the 50th distinct port's flow").isEqualTo(ScriptedFlows.T0.plusMillis(25_500));
      assertThat(scan.getEvidence().getSampleFlows()).hasSize(5);
      // One first revision produced: one latency, from its lastSeen to the wall clock when it was produced.
      LatencyHistogram.Snapshot produced = app.metrics.producedLatency.snapshot("anomaly");
      assertThat(produced.count()).isEqualTo(1);
      assertThat(produced.sumMillis()).isBetween(startedAt - scan.getLastSeen().toEpochMilli(),
          System.currentTimeMillis() - scan.getLastSeen().toEpochMilli());

      KeyValueStore<String, byte[]> open = app.driver().getKeyValueStore(KeyedDetectionProcessor.openStore(
          dev.flowtel.core.anomaly.Grouping.CLIENT_ADDRESS));
      List<String> ids = new ArrayList<>();
      try (var it = open.all()) {
        it.forEachRemaining((KeyValue<String, byte[]> e) -> ids.add(e.key));
      }
      assertThat(ids).containsExactly(scan.getId());

      app.finish();
      assertThat(app.metrics.producedLatency.snapshot("anomaly").count()).as("revision 1 is not measured").isEqualTo(1);
      assertThat(app.anomalies()).singleElement().satisfies(whole -> {
        assertThat(whole.getId()).isEqualTo(scan.getId());
        assertThat(whole.getRevision()).isEqualTo(1);
        assertThat(whole.getEvidence().getCounters()).containsEntry("attempts", 60L).containsEntry("failedPorts", 60L)
            .containsEntry("distinctPorts", 60L).containsEntry("windows", 1L);
        assertThat(whole.getLastSeen()).isEqualTo(ScriptedFlows.T0.plusMillis(30_500));
      });
      try (var it = open.all()) {
        assertThat(it.hasNext()).as("open anomalies after the cooldown").isFalse();
      }
    }
  }
}
