package dev.flowtel.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.core.edge.TestFlows;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.AvroClassTrust;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Given shop/frontend, which used no external address while learning, when it connects to 93.184.215.14 after learning,
 * then one EXTERNAL_EGRESS anomaly names the address, and the name the node saw resolved to it when the flow carries one.
 */
class ExternalEgressDetectorTest {

  static {
    AvroClassTrust.install();
  }

  private static final long LEARNED_UNTIL = TestFlows.T0.toEpochMilli();
  private static final FlowClassifier CLASSIFIER = new FlowClassifier();

  /** An established TCP request from frontend to the internet address (seen at its veth), {@code second}s after learning ended. */
  private static ObservedFlow toInternet(String domain, double second) {
    Endpoint internet = Endpoint.newBuilder(TestFlows.INTERNET).setDomain(domain).build();
    FlowEvent event = TestFlows.flow(TestFlows.FRONTEND_1, TestFlows.FRONTEND_1_IP, 40_000, internet, TestFlows.INTERNET_IP, 443,
        "node-a", Direction.INGRESS, second).setTcpFlags(Protocols.SYN | Protocols.ACK).setBytes(1200).setPackets(4).build();
    return ObservedFlow.of(event, CLASSIFIER).orElseThrow();
  }

  private static List<PolicyAnomaly> detect(ObservedFlow flow) {
    ExternalEgressDetector detector = new ExternalEgressDetector(DetectionConfig.defaults());
    ExternalEgressDetector.State state = detector.newState();
    List<PolicyAnomaly> out = new ArrayList<>();
    assertThat(detector.accepts(flow)).isTrue();
    detector.onFlow(state, flow, PolicyJudgement.UNKNOWN, LEARNED_UNTIL, out::add);
    return out;
  }

  @Test
  void theDestinationsDomainSurvivesIntoWhatTheDetectorSees() {
    ObservedFlow flow = toInternet("api.example.com", 5);
    assertThat(flow.reply()).isFalse();
    assertThat(flow.serverDomain()).isEqualTo("api.example.com");
    assertThat(flow.server()).isEqualTo(EdgeEnd.external(NetworkClass.PUBLIC));
    assertThat(toInternet(null, 5).serverDomain()).isNull();
  }

  @Test
  void anAnomalyToAResolvedAddressNamesTheDomainItWasResolvedFrom() {
    List<PolicyAnomaly> anomalies = detect(toInternet("api.example.com", 5));

    assertThat(anomalies).hasSize(1);
    PolicyAnomaly anomaly = anomalies.get(0);
    assertThat(anomaly.getType()).isEqualTo(AnomalyType.EXTERNAL_EGRESS);
    assertThat(anomaly.getEvidence().getPolicyExplanation()).isEqualTo("reached api.example.com (93.184.215.14)");
    assertThat(anomaly.getSummary())
        .startsWith("shop/frontend reached external address api.example.com (93.184.215.14), never used while learning");
  }

  @Test
  void anAddressWithoutANameIsReportedAsBefore() {
    List<PolicyAnomaly> anomalies = detect(toInternet(null, 5));

    assertThat(anomalies).hasSize(1);
    assertThat(anomalies.get(0).getEvidence().getPolicyExplanation()).isNull();
    assertThat(anomalies.get(0).getEvidence().getSampleFlows()).singleElement()
        .satisfies(s -> assertThat(s.getDstAddr()).isEqualTo("93.184.215.14"));
  }
}
