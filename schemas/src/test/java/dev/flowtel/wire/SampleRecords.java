package dev.flowtel.wire;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.Evidence;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.Severity;
import dev.flowtel.schema.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated record of every wire type: a frontend calling a checkout API in a small cluster. */
final class SampleRecords {

  static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123456789Z");

  private SampleRecords() {}

  static FlowEvent flow(int srcPort) {
    return FlowEvent.newBuilder()
        .setFlowStart(T0)
        .setFlowEnd(T0.plusMillis(850))
        .setNode("node-a")
        .setInterfaceName("veth1a2b3c")
        .setInterfaceIndex(17)
        .setDirection(Direction.INGRESS)
        .setIpVersion(4)
        .setSrcAddr(ByteBuffer.wrap(new byte[] {10, (byte) 244, 1, 12}))
        .setDstAddr(ByteBuffer.wrap(new byte[] {10, (byte) 244, 2, 40}))
        .setSrcPort(srcPort)
        .setDstPort(8080)
        .setProtocol(6)
        .setBytes(4_312)
        .setPackets(9)
        .setGsoSegments(2)
        .setTcpFlags(0x1B)
        .setTcpRttMicros(412L)
        .setVerdict(Verdict.FORWARDED)
        .setPolicyNames(List.of("shop/allow-frontend"))
        .setCommunityId("1:LQU9qZlK+B5F3KDmev6m5PMibrg=")
        .setSource(Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod("frontend-7d9f-abc12")
            .setWorkloadKind("Deployment").setWorkloadName("frontend").setLabels(Map.of("app", "frontend"))
            .setNode("node-a").setNetworkClass(NetworkClass.POD).build())
        .setDestination(Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod("checkout-0")
            .setWorkloadKind("StatefulSet").setWorkloadName("checkout").setServices(List.of("checkout"))
            .setLabels(Map.of("app", "checkout")).setNode("node-b").setNetworkClass(NetworkClass.POD).build())
        .build();
  }

  static ClusterState namespace() {
    return ClusterState.newBuilder()
        .setKind(ClusterObjectKind.NAMESPACE)
        .setObservedAt(Instant.ofEpochMilli(T0.toEpochMilli()))
        .setResourceVersion("812")
        .setNamespace(NamespaceState.newBuilder().setName("shop").setLabels(Map.of("team", "payments")).build())
        .build();
  }

  static ClusterState networkPolicy() {
    LabelSelector frontend = LabelSelector.newBuilder().setMatchLabels(Map.of("app", "frontend")).build();
    LabelSelector anyNamespace = LabelSelector.newBuilder()
        .setMatchExpressions(List.of(LabelSelectorRequirement.newBuilder().setKey("env").setOperator("In")
            .setValues(List.of("prod", "staging")).build()))
        .build();
    return ClusterState.newBuilder()
        .setKind(ClusterObjectKind.NETWORK_POLICY)
        .setObservedAt(Instant.ofEpochMilli(T0.toEpochMilli()))
        .setNetworkPolicy(NetworkPolicyState.newBuilder()
            .setNamespace("shop").setName("checkout-ingress")
            .setPodSelector(LabelSelector.newBuilder().setMatchLabels(Map.of("app", "checkout")).build())
            .setPolicyTypes(List.of("Ingress", "Egress"))
            .setIngress(List.of(IngressRule.newBuilder()
                .setFrom(List.of(
                    PolicyPeer.newBuilder().setPodSelector(frontend).setNamespaceSelector(anyNamespace).build(),
                    PolicyPeer.newBuilder().setIpBlock(IpBlock.newBuilder().setCidr("10.0.0.0/8")
                        .setExcept(List.of("10.1.0.0/16")).build()).build()))
                .setPorts(List.of(
                    PolicyPort.newBuilder().setProtocol("TCP").setPort(8080).build(),
                    PolicyPort.newBuilder().setPort("metrics").build(),
                    PolicyPort.newBuilder().setProtocol("UDP").setPort(30000).setEndPort(30100).build()))
                .build()))
            .setEgress(List.of(EgressRule.newBuilder().build()))
            .build())
        .build();
  }

  static EdgeEndpoint frontend() {
    return EdgeEndpoint.newBuilder().setNamespace("shop").setKind("Deployment").setName("frontend")
        .setNetworkClass(NetworkClass.POD).build();
  }

  static EdgeEndpoint checkoutService() {
    return EdgeEndpoint.newBuilder().setNamespace("shop").setKind("Service").setName("checkout")
        .setNetworkClass(NetworkClass.SERVICE).build();
  }

  static ServiceTraffic serviceTraffic() {
    return ServiceTraffic.newBuilder()
        .setWindowStart(Instant.parse("2026-11-26T10:00:00Z"))
        .setWindowEnd(Instant.parse("2026-11-26T10:00:10Z"))
        .setSource(frontend())
        .setDestination(checkoutService())
        .setDestinationPort(8080)
        .setProtocol(6)
        .setBytesToDestination(120_000)
        .setBytesToSource(2_400_000)
        .setPacketsToDestination(900)
        .setPacketsToSource(1_800)
        .setFlows(75)
        .setConnectionsOpened(70)
        .setConnectionsClosed(68)
        .setDistinctSourcePods(3)
        .setTcpResets(1)
        .setDrops(0)
        .setRttP50Micros(400L)
        .setRttP90Micros(950L)
        .setRttP99Micros(2_100L)
        .setRevision(1)
        .build();
  }

  static PolicyAnomaly anomaly() {
    return PolicyAnomaly.newBuilder()
        .setId("PORT_SCAN:shop/Deployment/frontend->10.244.2.40:2026-11-26T10:00:00Z")
        .setType(AnomalyType.PORT_SCAN)
        .setSeverity(Severity.HIGH)
        .setFirstSeen(Instant.parse("2026-11-26T10:00:00Z"))
        .setLastSeen(Instant.parse("2026-11-26T10:00:07Z"))
        .setSource(frontend())
        .setEvidence(Evidence.newBuilder()
            .setCounters(Map.of("distinctPorts", 812L, "unansweredSyns", 790L))
            .setMeasurements(Map.of("unansweredShare", 0.97))
            .setSampleFlows(List.of(FlowSample.newBuilder().setSrcAddr("10.244.1.12").setDstAddr("10.244.2.40")
                .setSrcPort(40_000).setDstPort(22).setProtocol(6).setFlowEnd(Instant.parse("2026-11-26T10:00:01Z")).build()))
            .build())
        .setSummary("shop/frontend probed 812 ports on 10.244.2.40 in 7 s, 97% unanswered")
        .setRevision(2)
        .build();
  }
}
