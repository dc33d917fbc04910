package dev.flowtel.collector.hubble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Given a Hubble export with forwarded, replied, dropped, world-bound, audited and traced flows,
 * a truncated line, a node_status event and a line with a bad address, then each flow becomes
 * exactly the FlowEvent below and the bad lines are counted and reported by line number.
 */
class HubbleFlowSourceTest {

  static final List<FlowEvent> flows = new ArrayList<>();
  static final List<String> keys = new ArrayList<>();
  static final CollectorMetrics metrics = new CollectorMetrics();
  static HubbleFlowSource source;

  @BeforeAll
  static void readTheSample() throws Exception {
    source = new HubbleFlowSource("sample-flows.jsonl",
        () -> HubbleFlowSourceTest.class.getResourceAsStream("/hubble/sample-flows.jsonl"), "this-node", metrics);
    source.start(new FlowSink() {
      @Override
      public void flow(FlowEvent flow, String partitionKey) {
        flows.add(flow);
        keys.add(partitionKey);
      }
    });
    assertThat(source.awaitCompletion(Duration.ofSeconds(10))).isTrue();
    source.close();
  }

  static ByteBuffer ip(String literal) {
    return ByteBuffer.wrap(InetAddress.ofLiteral(literal).getAddress());
  }

  static Endpoint.Builder pod(String namespace, String pod, String kind, String workload, Map<String, String> labels) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNetworkClass(NetworkClass.POD).setNamespace(namespace)
        .setPod(pod).setWorkloadKind(kind).setWorkloadName(workload).setLabels(labels);
  }

  @Test
  void linesAreCountedAndBadOnesReportedByLineNumber() {
    assertThat(source.linesRead()).isEqualTo(10);
    assertThat(source.flowsRead()).isEqualTo(6);
    assertThat(source.otherEvents()).as("node_status").isEqualTo(1);
    assertThat(source.malformedLines()).isEqualTo(2);
    assertThat(metrics.hubbleMalformedCount()).isEqualTo(2);
    assertThat(source.malformedReports()).hasSize(2);
    assertThat(source.malformedReports().get(0)).startsWith("line 7: not JSON: ");
    assertThat(source.malformedReports().get(1)).isEqualTo("line 9: IP.source \"10.244.1.999\" is not an IP address");
  }

  @Test
  void aForwardedSynBecomesOnePacketWithItsPolicyAndEndpoints() {
    FlowEvent expected = FlowEvent.newBuilder()
        .setFlowStart(Instant.parse("2026-11-26T10:15:30.123456789Z")).setFlowEnd(Instant.parse("2026-11-26T10:15:30.123456789Z"))
        .setNode("kind-worker").setInterfaceName("lxc1a2b3c4d5e6").setInterfaceIndex(17).setDirection(Direction.EGRESS)
        .setIpVersion(4).setSrcAddr(ip("10.244.1.17")).setDstAddr(ip("10.244.2.31")).setSrcPort(43512).setDstPort(8080)
        .setProtocol(6).setBytes(0).setPackets(1).setTcpFlags(2).setVerdict(Verdict.FORWARDED)
        .setPolicyNames(List.of("shop/frontend-egress"))
        .setCommunityId(flows.get(0).getCommunityId())
        .setSource(pod("shop", "frontend-7d9c8b6f5-x2x9k", "Deployment", "frontend", Map.of("app", "frontend", "tier", "web")).build())
        .setDestination(pod("shop", "checkout-5f6d7c8b9-abcde", "Deployment", "checkout", Map.of("app", "checkout"))
            .setServices(List.of("checkout")).build())
        .build();
    assertThat(flows.get(0)).isEqualTo(expected);
    assertThat(keys.get(0)).isEqualTo("shop/Deployment/frontend>shop/Deployment/checkout:8080/6");
  }

  @Test
  void theReplyKeepsTheEdgeKeyAndTheCommunityIdOfItsRequest() {
    FlowEvent reply = flows.get(1);
    assertThat(reply.getNode()).isEqualTo("kind-worker2");
    assertThat(reply.getTcpFlags()).isEqualTo(2 | 16);
    assertThat(reply.getFlowStart()).isEqualTo(Instant.parse("2026-11-26T10:15:30.124001Z"));
    assertThat(reply.getPolicyNames()).isEmpty();
    assertThat(keys.get(1)).isEqualTo(keys.get(0));
    assertThat(reply.getCommunityId()).isEqualTo(flows.get(0).getCommunityId());
  }

  @Test
  void aPolicyDropCarriesItsReasonAndTheDenyingPolicies() {
    FlowEvent drop = flows.get(2);
    assertThat(drop.getVerdict()).isEqualTo(Verdict.DROPPED);
    assertThat(drop.getDrops()).isEqualTo(1);
    assertThat(drop.getPackets()).isEqualTo(1);
    assertThat(drop.getDropBytes()).isZero();
    assertThat(drop.getDropReason()).isEqualTo("POLICY_DENIED");
    assertThat(drop.getPolicyNames()).containsExactly("payments/default-deny", "block-shop");
    assertThat(drop.getDirection()).isEqualTo(Direction.INGRESS);
    assertThat(drop.getIpVersion()).isEqualTo(6);
    assertThat(drop.getSrcAddr()).isEqualTo(ip("fd00:10:244:1::17"));
    assertThat(drop.getProtocol()).isEqualTo(17);
    assertThat(drop.getSrcPort()).isEqualTo(53111);
    assertThat(drop.getDstPort()).isEqualTo(5432);
    assertThat(drop.getDestination().getWorkloadKind()).isEqualTo("StatefulSet");
    assertThat(keys.get(2)).isEqualTo("shop/Deployment/frontend>payments/StatefulSet/ledger-db:5432/17");
  }

  @Test
  void worldTrafficIsExternalAndGetsTheSpecificationsCommunityId() {
    FlowEvent world = flows.get(3);
    // The Community ID specification's own TCP test vector: 128.232.110.120:34855 -> 66.35.250.204:80.
    assertThat(world.getCommunityId()).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    assertThat(world.getNode()).as("from the envelope when the flow names no node").isEqualTo("kind-worker");
    assertThat(world.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
    assertThat(world.getDestination().getNetworkClass()).isEqualTo(NetworkClass.PUBLIC);
    assertThat(world.getDestination().getLabels()).isEmpty();
    assertThat(keys.get(3)).isEqualTo("shop/Deployment/crawler>66.35.250.204:80/6");
  }

  @Test
  void anAuditedPingIsForwardedAndNamesThePolicyThatWouldHaveDeniedIt() {
    FlowEvent ping = flows.get(4);
    assertThat(ping.getVerdict()).isEqualTo(Verdict.FORWARDED);
    assertThat(ping.getDrops()).isZero();
    assertThat(ping.getPolicyNames()).containsExactly("shop/no-internet");
    assertThat(ping.getProtocol()).isEqualTo(1);
    assertThat(ping.getIcmpType()).isEqualTo(8);
    assertThat(ping.getIcmpCode()).isEqualTo(0);
    assertThat(ping.getNode()).as("--node-name when Hubble names no node").isEqualTo("this-node");
    assertThat(keys.get(4)).isEqualTo("shop/Deployment/frontend>8.8.8.8:0/1");
  }

  @Test
  void aTracedSctpFlowFromTheHostHasNoVerdict() {
    FlowEvent traced = flows.get(5);
    assertThat(traced.getVerdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(traced.getProtocol()).isEqualTo(132);
    assertThat(traced.getSource().getKind()).isEqualTo(EndpointKind.HOST);
    assertThat(traced.getSource().getHostNetwork()).isTrue();
    assertThat(traced.getDestination().getWorkloadKind()).as("a bare pod").isEqualTo("Pod");
    assertThat(keys.get(5)).isEqualTo("10.244.2.31>telecom/Pod/diameter-0:3868/132");
  }

  @Test
  void anUnopenableFileSaysWhatToGive() {
    HubbleFlowSource missing = HubbleFlowSource.of("/nonexistent/hubble.jsonl", "n", new CollectorMetrics());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.start((flow, key) -> {}))
        .hasMessageContaining("--source hubble:/nonexistent/hubble.jsonl: cannot open");
  }

}
