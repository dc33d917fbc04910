package dev.flowtel.core.edge;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A small cluster for scenarios: shop/frontend (Deployment) pods on node-a, shop/checkout
 * (StatefulSet behind Service checkout:8080) on node-b, and an address on the internet.
 */
public final class TestFlows {

  public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  public static final Endpoint FRONTEND_1 = pod("frontend-7d9f-aaaaa", "Deployment", "frontend", "node-a", List.of());
  public static final Endpoint FRONTEND_2 = pod("frontend-7d9f-bbbbb", "Deployment", "frontend", "node-a", List.of());
  public static final Endpoint CHECKOUT_0 = pod("checkout-0", "StatefulSet", "checkout", "node-b", List.of("checkout"));
  public static final Endpoint INTERNET = Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setNetworkClass(NetworkClass.PUBLIC).build();

  public static final byte[] FRONTEND_1_IP = {10, (byte) 244, 1, 11};
  public static final byte[] FRONTEND_2_IP = {10, (byte) 244, 1, 12};
  public static final byte[] CHECKOUT_0_IP = {10, (byte) 244, 2, 20};
  public static final byte[] INTERNET_IP = {93, (byte) 184, (byte) 215, 14};

  private TestFlows() {}

  public static Endpoint pod(String name, String workloadKind, String workload, String node, List<String> services) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod(name)
        .setWorkloadKind(workloadKind).setWorkloadName(workload).setServices(services)
        .setLabels(Map.of("app", workload)).setNode(node).setNetworkClass(NetworkClass.POD).build();
  }

  /** A flow with the given ends; {@code endSecond} is seconds after {@link #T0}. */
  public static FlowEvent.Builder flow(Endpoint from, byte[] fromIp, int fromPort, Endpoint to, byte[] toIp, int toPort,
      String node, Direction direction, double endSecond) {
    Instant end = T0.plusMillis(Math.round(endSecond * 1000));
    return FlowEvent.newBuilder()
        .setFlowStart(end.minusMillis(200)).setFlowEnd(end)
        .setNode(node).setInterfaceName("veth-" + node).setDirection(direction)
        .setIpVersion(4)
        .setSrcAddr(ByteBuffer.wrap(fromIp.clone())).setDstAddr(ByteBuffer.wrap(toIp.clone()))
        .setSrcPort(fromPort).setDstPort(toPort).setProtocol(Protocols.TCP)
        .setBytes(0).setPackets(0).setVerdict(Verdict.FORWARDED)
        .setSource(from).setDestination(to);
  }
}
