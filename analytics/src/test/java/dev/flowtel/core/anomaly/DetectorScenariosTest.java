package dev.flowtel.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.AvroClassTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Detectors as scenarios: given these flows in this order, then exactly these anomaly revisions come out. */
class DetectorScenariosTest {

  static {
    AvroClassTrust.install();
  }

  private static final long T0 = Instant.parse("2025-01-06T01:00:00Z").toEpochMilli();
  private static final EdgeEnd SCANNER = new EdgeEnd("shop", "Deployment", "web", NetworkClass.POD);
  private static final EdgeEnd DB = new EdgeEnd("shop", "StatefulSet", "postgres", NetworkClass.POD);
  private static final EdgeEnd SAAS = EdgeEnd.external(NetworkClass.PUBLIC);
  private static final ObservedFlow.PeerView NO_POD = new ObservedFlow.PeerView(false, null, null, Map.of(), false);

  private static ObservedFlow flow(long at, EdgeEnd client, EdgeEnd server, String src, String dst, int port, int flags,
      long bytes, boolean reply) {
    String key = new ServiceEdge(client, server, port, 6).key();
    return new ObservedFlow(at, at, key, client, server, port, 6, reply, at * 31 + port, IpAddress.parse(src),
        IpAddress.parse(dst), reply ? port : 40000, reply ? 40000 : port, flags, bytes, 1, false, NO_POD, NO_POD);
  }

  private static <S extends java.io.Serializable> List<PolicyAnomaly> run(Detector<S> detector, List<ObservedFlow> flows,
      long until) {
    S state = detector.newState();
    List<PolicyAnomaly> out = new ArrayList<>();
    for (ObservedFlow f : flows) {
      if (detector.accepts(f)) {
        detector.onFlow(state, f, PolicyJudgement.UNKNOWN, T0, out::add);
      }
    }
    detector.onWatermark(state, until, out::add);
    return out;
  }

  @Test
  void sixtySynsToSixtyPortsOfOneHostInAWindowAreOnePortScanWithADeterministicId() {
    List<ObservedFlow> flows = new ArrayList<>();
    for (int port = 1; port <= 60; port++) {
      flows.add(flow(T0 + port * 500L, SCANNER, DB, "10.244.0.21", "10.244.2.10", port, 0x02, 60, false));
    }
    // Past the window's end (T0 + 60 s) and the report interval after the first revision (T0 + 25 s + 1 min).
    List<PolicyAnomaly> anomalies = run(DistinctTargetsDetector.portScan(DetectionConfig.defaults()), flows, T0 + 90_000);
    assertThat(anomalies).extracting(PolicyAnomaly::getId).containsOnly("PORT_SCAN:10.244.0.21>10.244.2.10@2025-01-06T01:00:00.500Z");
    assertThat(anomalies).hasSize(2);
    PolicyAnomaly last = anomalies.get(1);
    assertThat(last.getType()).isEqualTo(AnomalyType.PORT_SCAN);
    assertThat(last.getEvidence().getCounters()).containsEntry("distinctPorts", 60L).containsEntry("failedPorts", 60L)
        .containsEntry("attempts", 60L).containsEntry("windows", 1L);
    assertThat(last.getEvidence().getSampleFlows()).hasSize(5);
    assertThat(last.getSummary()).isEqualTo(
        "port scan: shop/web (10.244.0.21) probed 60 ports of 10.244.2.10 in one window, 100% failed");
  }

  @Test
  void aScanIsReportedOnTheFlowThatCrossesTheThresholdNotWhenItsWindowCloses() {
    List<ObservedFlow> flows = new ArrayList<>();
    for (int port = 1; port <= 2000; port++) {
      flows.add(flow(T0 + port * 10L, SCANNER, DB, "10.244.0.21", "10.244.2.10", port, 0x02, 60, false));
    }
    DistinctTargetsDetector<?, ?, ?, ?> detector = DistinctTargetsDetector.portScan(DetectionConfig.defaults());
    List<PolicyAnomaly> out = new ArrayList<>();
    runWithoutWatermark(detector, flows, out);

    // No watermark has passed: the 50th distinct failed port (the default --scan-min-ports) alone made it a scan.
    assertThat(out).singleElement().satisfies(first -> {
      assertThat(first.getRevision()).isZero();
      assertThat(first.getLastSeen().toEpochMilli()).isEqualTo(T0 + 50 * 10L);
      assertThat(first.getEvidence().getCounters()).containsEntry("distinctPorts", 50L).doesNotContainKey("attempts");
      assertThat(first.getSummary()).contains("probed 50 ports of 10.244.2.10");
    });
  }

  @Test
  void anIpSweepIsReportedOnTheFlowThatCrossesTheThreshold() {
    List<ObservedFlow> flows = new ArrayList<>();
    for (int host = 1; host <= 80; host++) {
      flows.add(flow(T0 + host * 10L, SCANNER, DB, "10.244.0.21", "10.244.3." + host, 22, 0x02, 60, false));
    }
    List<PolicyAnomaly> out = new ArrayList<>();
    runWithoutWatermark(DistinctTargetsDetector.ipSweep(DetectionConfig.defaults()), flows, out);
    assertThat(out).singleElement().satisfies(first -> {
      assertThat(first.getType()).isEqualTo(AnomalyType.IP_SWEEP);
      assertThat(first.getLastSeen().toEpochMilli()).isEqualTo(T0 + 50 * 10L);
      assertThat(first.getEvidence().getCounters()).containsEntry("distinctHosts", 50L);
    });
  }

  private static <S extends java.io.Serializable> void runWithoutWatermark(Detector<S> detector, List<ObservedFlow> flows,
      List<PolicyAnomaly> out) {
    S state = detector.newState();
    for (ObservedFlow f : flows) {
      if (detector.accepts(f)) {
        detector.onFlow(state, f, PolicyJudgement.UNKNOWN, T0, out::add);
      }
    }
  }

  @Test
  void connectionsThatCompleteTheirHandshakeAreNoScan() {
    List<ObservedFlow> flows = new ArrayList<>();
    for (int port = 1; port <= 60; port++) {
      flows.add(flow(T0 + port * 500L, SCANNER, DB, "10.244.0.21", "10.244.2.10", port, 0x12 | 0x08, 600, false));
    }
    assertThat(run(DistinctTargetsDetector.portScan(DetectionConfig.defaults()), flows, T0 + 60_000)).isEmpty();
  }

  @Test
  void aBurstFarAboveTheMovingBaselineIsAVolumeAnomalyAndItsSecondMinuteARevision() {
    List<ObservedFlow> flows = new ArrayList<>();
    for (int minute = 0; minute < 12; minute++) {
      flows.add(flow(T0 + minute * 60_000L + 1_000, SCANNER, SAAS, "10.244.0.21", "52.94.236.248", 443, 0x18,
          100_000 + minute * 1_000, false));
    }
    flows.add(flow(T0 + 12 * 60_000L + 1_000, SCANNER, SAAS, "10.244.0.21", "52.94.236.248", 443, 0x18, 600_000_000, false));
    flows.add(flow(T0 + 13 * 60_000L + 1_000, SCANNER, SAAS, "10.244.0.21", "52.94.236.248", 443, 0x18, 500_000_000, false));
    VolumeAnomalyDetector detector = new VolumeAnomalyDetector(DetectionConfig.defaults());
    VolumeAnomalyDetector.State state = detector.newState();
    List<PolicyAnomaly> out = new ArrayList<>();
    for (ObservedFlow f : flows) {
      detector.onWatermark(state, f.flowEndMillis() - 1_001, out::add);
      detector.onFlow(state, f, PolicyJudgement.UNKNOWN, T0, out::add);
    }
    detector.onWatermark(state, T0 + 14 * 60_000L, out::add);
    assertThat(out).extracting(PolicyAnomaly::getId, PolicyAnomaly::getRevision).containsExactly(
        org.assertj.core.groups.Tuple.tuple("VOLUME_ANOMALY:shop/Deployment/web>-/External/PUBLIC:443/6@2025-01-06T01:12:01Z", 0),
        org.assertj.core.groups.Tuple.tuple("VOLUME_ANOMALY:shop/Deployment/web>-/External/PUBLIC:443/6@2025-01-06T01:12:01Z", 1));
    assertThat(out.get(1).getEvidence().getCounters()).containsEntry("bytes", 1_100_000_000L)
        .containsEntry("peakBytes", 600_000_000L);
  }
}
