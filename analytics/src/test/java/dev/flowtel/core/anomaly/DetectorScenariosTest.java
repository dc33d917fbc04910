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
    List<PolicyAnomaly> anomalies = run(DistinctTargetsDetector.portScan(DetectionConfig.defaults()), flows, T0 + 60_000);
    assertThat(anomalies).singleElement().satisfies(a -> {
      assertThat(a.getId()).isEqualTo("PORT_SCAN:10.244.0.21>10.244.2.10@2025-01-06T01:00:00.500Z");
      assertThat(a.getType()).isEqualTo(AnomalyType.PORT_SCAN);
      assertThat(a.getEvidence().getCounters()).containsEntry("distinctPorts", 60L).containsEntry("failedPorts", 60L);
      assertThat(a.getEvidence().getSampleFlows()).hasSize(5);
      assertThat(a.getSummary()).isEqualTo(
          "port scan: shop/web (10.244.0.21) probed 60 ports of 10.244.2.10 in one window, 100% failed");
    });
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
