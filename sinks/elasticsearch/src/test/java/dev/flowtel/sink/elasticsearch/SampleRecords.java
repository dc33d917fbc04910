package dev.flowtel.sink.elasticsearch;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.Evidence;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.Severity;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.schema.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records with every field set, as the shop demo cluster would produce them. */
public final class SampleRecords {

  public static final Instant WINDOW_START = Instant.parse("2026-11-26T10:00:00Z");

  static {
    // Copying records with newBuilder(record) needs Avro to trust the generated classes; the codec installs that.
    dev.flowtel.wire.WireCodec.of(dev.flowtel.wire.RecordType.FLOW_EVENT);
  }

  private SampleRecords() {}

  public static EdgeEndpoint workload(String namespace, String kind, String name) {
    return EdgeEndpoint.newBuilder().setNamespace(namespace).setKind(kind).setName(name).setNetworkClass(NetworkClass.POD).build();
  }

  public static ServiceTraffic traffic(String sourceName, String serviceName, Instant windowStart, int revision, long bytes) {
    return ServiceTraffic.newBuilder()
        .setWindowStart(windowStart)
        .setWindowEnd(windowStart.plusSeconds(10))
        .setSource(workload("shop", "Deployment", sourceName))
        .setDestination(EdgeEndpoint.newBuilder().setNamespace("shop").setKind("Service").setName(serviceName)
            .setNetworkClass(NetworkClass.SERVICE).build())
        .setDestinationPort(8080)
        .setProtocol(6)
        .setBytesToDestination(bytes)
        .setBytesToSource(bytes * 3)
        .setPacketsToDestination(10)
        .setPacketsToSource(12)
        .setFlows(4)
        .setConnectionsOpened(3)
        .setConnectionsClosed(2)
        .setDistinctSourcePods(2)
        .setSourcePodsSketch(ByteBuffer.wrap(new byte[] {1, 2}))
        .setTcpResets(1)
        .setDrops(5)
        .setRttP50Micros(250L)
        .setRttP90Micros(900L)
        .setRttP99Micros(4000L)
        .setRttSketch(ByteBuffer.wrap(new byte[] {3}))
        .setRevision(revision)
        .build();
  }

  /**
   * The window of a scanner's failed attempts: frontend probed {@code ports} ports of {@code
   * addresses} addresses in the External/PRIVATE class, every one refused.
   */
  public static ServiceTraffic failedAttempts(Instant windowStart, long ports, long addresses) {
    long attempts = ports * addresses;
    return ServiceTraffic.newBuilder(traffic("frontend", "checkout", windowStart, 0, attempts * 60))
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(null).setKind("External").setName("PRIVATE")
            .setNetworkClass(NetworkClass.PRIVATE).build())
        .setDestinationPort(0)
        .setBytesToSource(attempts * 40)
        .setPacketsToDestination(attempts)
        .setPacketsToSource(attempts)
        .setFlows(attempts)
        .setConnectionsOpened(attempts)
        .setConnectionsClosed(0)
        .setDistinctSourcePods(1)
        .setTcpResets(attempts)
        .setDrops(0)
        .setRttP50Micros(null).setRttP90Micros(null).setRttP99Micros(null).setRttSketch(null)
        .setPortsFolded(true)
        .setFailedAttempts(attempts)
        .setDistinctDestinationPorts(ports)
        .setDistinctDestinationAddresses(addresses)
        .build();
  }

  public static PolicyAnomaly anomaly(String id, int revision, String sampleSourceIp) {
    return PolicyAnomaly.newBuilder()
        .setId(id)
        .setType(AnomalyType.PORT_SCAN)
        .setSeverity(Severity.HIGH)
        .setFirstSeen(WINDOW_START)
        .setLastSeen(WINDOW_START.plusSeconds(30 + revision))
        .setSource(workload("shop", "Deployment", "frontend"))
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(null).setKind("External").setName("PUBLIC")
            .setNetworkClass(NetworkClass.PUBLIC).build())
        .setDestinationPort(22)
        .setProtocol(6)
        .setEvidence(Evidence.newBuilder()
            .setCounters(Map.of("distinctPorts", 40L, "flows", 41L))
            .setMeasurements(Map.of("zScore", 4.5))
            .setSampleFlows(List.of(FlowSample.newBuilder().setSrcAddr(sampleSourceIp).setDstAddr("203.0.113.7").setSrcPort(40000)
                .setDstPort(22).setProtocol(6).setFlowEnd(WINDOW_START.plusSeconds(1)).build()))
            .setPolicyExplanation("no NetworkPolicy selects shop/frontend for egress")
            .build())
        .setSummary("shop/Deployment/frontend probed 40 ports on 203.0.113.7")
        .setRevision(revision)
        .build();
  }

  /**
   * What staged policy shop/{@code policyName} would do to frontend -> checkout:8080 in the window
   * at {@code windowStart}: 7 connections allowed (1 of them denied today), 5 denied (3 of them
   * allowed today).
   */
  public static StagedPolicyVerdict stagedVerdict(String policyName, Instant windowStart) {
    return StagedPolicyVerdict.newBuilder()
        .setPolicyNamespace("shop")
        .setPolicyName(policyName)
        .setWindowStart(windowStart)
        .setWindowEnd(windowStart.plusSeconds(10))
        .setSource(workload("shop", "Deployment", "frontend"))
        .setDestination(EdgeEndpoint.newBuilder().setNamespace("shop").setKind("Service").setName("checkout")
            .setNetworkClass(NetworkClass.SERVICE).build())
        .setDestinationPort(8080)
        .setProtocol(6)
        .setWouldAllowFlows(7)
        .setWouldDenyFlows(5)
        .setNewlyDeniedFlows(3)
        .setNewlyAllowedFlows(1)
        .setWouldDenyBytes(4096)
        .setExplanation("shop/" + policyName + " selects shop/checkout for Ingress and no rule admits shop/frontend on 8080/TCP")
        .build();
  }

  public static FlowEvent flow() {
    return FlowEvent.newBuilder()
        .setFlowStart(WINDOW_START)
        .setFlowEnd(WINDOW_START.plusMillis(1500))
        .setNode("node-a")
        .setInterfaceName("eth0")
        .setInterfaceIndex(2)
        .setDirection(Direction.EGRESS)
        .setIpVersion(4)
        .setSrcAddr(ByteBuffer.wrap(new byte[] {10, (byte) 244, 1, 5}))
        .setDstAddr(ByteBuffer.wrap(new byte[] {10, 96, 0, 10}))
        .setSrcPort(40000)
        .setDstPort(8080)
        .setProtocol(6)
        .setBytes(1500)
        .setPackets(3)
        .setGsoSegments(1)
        .setTcpFlags(2 | 16)
        .setIcmpType(null)
        .setIcmpCode(null)
        .setDrops(1)
        .setDropBytes(60)
        .setDropReason("NETFILTER_DROP")
        .setTcpRttMicros(300L)
        .setVerdict(Verdict.FORWARDED)
        .setPolicyNames(List.of("shop/allow-frontend"))
        .setSamplingRate(1)
        .setCommunityId("1:LQU9qZlK+B5F3KDmev6m5PMibrg=")
        .setSource(Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod("frontend-7d9-abc")
            .setWorkloadKind("Deployment").setWorkloadName("frontend").setServices(List.of()).setLabels(Map.of("app", "frontend"))
            .setNode("node-a").setHostNetwork(false).setNetworkClass(NetworkClass.POD).build())
        .setDestination(Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod("checkout-5f-xyz")
            .setWorkloadKind("Deployment").setWorkloadName("checkout").setServices(List.of("checkout"))
            .setLabels(Map.of("app", "checkout", "app.kubernetes.io/part-of", "shop")).setNode("node-b").setHostNetwork(false)
            .setNetworkClass(NetworkClass.POD).build())
        .build();
  }

  /** shop/checkout's pod asked kube-dns for api.example.com's A records at the window start and got two (TTL 300), 2.5 ms later. */
  public static dev.flowtel.schema.DnsTransaction dnsTransaction() {
    return dev.flowtel.schema.DnsTransaction.newBuilder()
        .setQueryTime(WINDOW_START).setResponseTime(WINDOW_START.plusNanos(2_500_000)).setLatencyNanos(2_500_000L)
        .setNode("node-a").setInterfaceName("veth1a2b").setInterfaceIndex(7).setIpVersion(4)
        .setClientAddr(ByteBuffer.wrap(new byte[] {10, (byte) 244, 1, 5})).setServerAddr(ByteBuffer.wrap(new byte[] {10, 96, 0, 10}))
        .setClientPort(40_001).setServerPort(53).setProtocol(17).setTransactionId(4660)
        .setQueryName("api.example.com").setQueryType(1).setResponseCode(0).setAnswerCount(2)
        .setAnswers(List.of(new dev.flowtel.schema.DnsAnswer(ByteBuffer.wrap(new byte[] {104, 20, 67, (byte) 143}), 300L),
            new dev.flowtel.schema.DnsAnswer(ByteBuffer.wrap(new byte[] {(byte) 172, 67, 1, 1}), 300L)))
        .setClient(Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop")
            .setPod("checkout-7d9f-abcde").setWorkloadKind("Deployment").setWorkloadName("checkout").setNode("node-a")
            .setNetworkClass(NetworkClass.POD).build())
        .setServer(Endpoint.newBuilder().setKind(EndpointKind.SERVICE)
            .setNamespace("kube-system").setServices(List.of("kube-dns")).setNetworkClass(NetworkClass.SERVICE).build())
        .build();
  }
}
