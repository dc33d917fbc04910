package dev.flowtel.streams;

import dev.flowtel.core.edge.Protocols;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scripted flows of a small cluster in arrival order, as the collector publishes them (the same
 * cluster as the Flink job's scripted test): each direction of each connection observed at the
 * sender's node (counted) and at the receiver's (a duplicate). shop/frontend pods on node-a call
 * shop/checkout (Service, 8080) on node-b and an internet API on 443.
 */
public final class ScriptedFlows {

  public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  public static final Endpoint FRONTEND_1 = pod("frontend-7d9f-aaaaa", "frontend", "Deployment", "node-a", List.of());
  public static final Endpoint FRONTEND_2 = pod("frontend-7d9f-bbbbb", "frontend", "Deployment", "node-a", List.of());
  public static final Endpoint CHECKOUT_0 = pod("checkout-0", "checkout", "StatefulSet", "node-b", List.of("checkout"));
  public static final Endpoint INTERNET = Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL)
      .setNetworkClass(NetworkClass.PUBLIC).build();
  public static final byte[] FRONTEND_1_IP = {10, (byte) 244, 1, 11};
  public static final byte[] FRONTEND_2_IP = {10, (byte) 244, 1, 12};
  public static final byte[] CHECKOUT_0_IP = {10, (byte) 244, 2, 20};
  public static final byte[] INTERNET_IP = {93, (byte) 184, (byte) 215, 14};
  public static final String CHECKOUT_EDGE = "shop/Deployment/frontend>shop/Service/checkout:8080/6";

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final List<byte[]> arrivals = new ArrayList<>();

  static Endpoint pod(String name, String workload, String kind, String node, List<String> services) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod(name).setWorkloadKind(kind)
        .setWorkloadName(workload).setServices(services).setLabels(Map.of("app", workload)).setNode(node)
        .setNetworkClass(NetworkClass.POD).build();
  }

  /** A request and its reply ending at {@code second}, each seen at both ends' nodes. */
  public ScriptedFlows exchange(Endpoint client, byte[] clientIp, int clientPort, Endpoint server, byte[] serverIp, int port,
      double second, long requestBytes, long replyBytes, int requestFlags, int replyFlags, Long rttMicros) {
    String clientNode = client.getNode();
    String serverNode = server.getNode() == null ? clientNode : server.getNode();
    arrivals.add(codec.encode(flow(client, clientIp, clientPort, server, serverIp, port, clientNode, Direction.INGRESS, second,
        requestBytes, requestFlags, rttMicros)));
    arrivals.add(codec.encode(flow(client, clientIp, clientPort, server, serverIp, port, serverNode, Direction.EGRESS, second,
        requestBytes, requestFlags, rttMicros)));
    arrivals.add(codec.encode(flow(server, serverIp, port, client, clientIp, clientPort, serverNode, Direction.INGRESS, second,
        replyBytes, replyFlags, null)));
    arrivals.add(codec.encode(flow(server, serverIp, port, client, clientIp, clientPort, clientNode, Direction.EGRESS, second,
        replyBytes, replyFlags, null)));
    return this;
  }

  public ScriptedFlows garbage(byte[] bytes) {
    arrivals.add(bytes);
    return this;
  }

  public List<byte[]> arrivals() {
    return arrivals;
  }

  public static FlowEvent flow(Endpoint from, byte[] fromIp, int fromPort, Endpoint to, byte[] toIp, int toPort, String node,
      Direction direction, double second, long bytes, int flags, Long rttMicros) {
    Instant end = T0.plusMillis(Math.round(second * 1000));
    return FlowEvent.newBuilder()
        .setFlowStart(end.minusMillis(100)).setFlowEnd(end).setNode(node).setInterfaceName("veth0").setDirection(direction)
        .setIpVersion(4).setSrcAddr(ByteBuffer.wrap(fromIp.clone())).setDstAddr(ByteBuffer.wrap(toIp.clone()))
        .setSrcPort(fromPort).setDstPort(toPort).setProtocol(Protocols.TCP).setBytes(bytes).setPackets(Math.max(1, bytes / 1000))
        .setTcpFlags(flags).setTcpRttMicros(rttMicros).setVerdict(Verdict.FORWARDED).setSource(from).setDestination(to).build();
  }
}
