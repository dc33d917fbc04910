package dev.flowtel.core.traffic;

import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0;
import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1_IP;
import static dev.flowtel.core.edge.TestFlows.INTERNET;
import static dev.flowtel.core.edge.TestFlows.T0;
import static dev.flowtel.core.edge.TestFlows.flow;
import static dev.flowtel.core.edge.TestFlows.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Given frontend talking to checkout through its Service on 8080 while a scanner probes checkout's
 * pod on 2,000 ports (and, elsewhere, sweeps 256 addresses on one port), when the flows are
 * windowed as an engine does, then every window holds one edge of failed attempts with their
 * counts, and the answered connections keep their own edges with their own counts.
 */
class FailedAttemptsTest {

  private static final long WINDOW = 10_000;
  private static final int SYN = Protocols.SYN;
  private static final int SYN_ACK = Protocols.SYN | Protocols.ACK;
  private static final int RST_ACK = Protocols.RST | Protocols.ACK;
  /** checkout's pod as enrichment sees it on a port no Service exposes. */
  private static final Endpoint CHECKOUT_0_BARE = pod("checkout-0", "StatefulSet", "checkout", "node-b", List.of());
  private static final String SCAN_EDGE = "shop/Deployment/frontend>shop/StatefulSet/checkout:*/6";
  private static final String SERVICE_EDGE = "shop/Deployment/frontend>shop/Service/checkout:8080/6";

  private final FlowClassifier classifier = new FlowClassifier();

  @Test
  void twoThousandRefusedPortsMakeOneEdgePerWindowBesideTheAnsweredOnes() {
    List<FlowEvent> flows = new ArrayList<>();
    for (int port = 1; port <= 2_000; port++) {
      double second = port < 1_000 ? 1 : 12; // the scan spans two windows: ports 1-999, then 1000-2000
      flows.add(probe(port, second).setTcpFlags(SYN).build());
      flows.add(refusal(port, second).build());
    }
    // Answered: frontend's real calls to the Service, and to the pod's metrics port that no Service exposes.
    flows.add(flow(FRONTEND_1, FRONTEND_1_IP, 41_000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.UNKNOWN, 2)
        .setBytes(500).setPackets(5).setTcpFlags(SYN_ACK).build());
    flows.add(flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_1, FRONTEND_1_IP, 41_000, "node-b", Direction.UNKNOWN, 2)
        .setBytes(9_000).setPackets(8).setTcpFlags(SYN_ACK).build());
    flows.add(flow(FRONTEND_1, FRONTEND_1_IP, 41_001, CHECKOUT_0_BARE, CHECKOUT_0_IP, 9090, "node-a", Direction.UNKNOWN, 3)
        .setBytes(300).setPackets(3).setTcpFlags(SYN_ACK | Protocols.FIN).build());

    Map<String, ServiceTraffic> windows = window(flows);

    assertThat(windows.keySet()).containsExactlyInAnyOrder(
        SCAN_EDGE + "@0", SCAN_EDGE + "@10000", SERVICE_EDGE + "@0",
        "shop/Deployment/frontend>shop/StatefulSet/checkout:9090/6@0");
    ServiceTraffic first = windows.get(SCAN_EDGE + "@0");
    assertThat(first.getPortsFolded()).isTrue();
    assertThat(first.getDestinationPort()).isZero();
    assertThat(first.getFailedAttempts()).isEqualTo(999);
    assertThat(first.getDistinctDestinationPorts()).isEqualTo(999);
    assertThat(first.getDistinctDestinationAddresses()).isEqualTo(1);
    assertThat(first.getFlows()).isEqualTo(999);
    assertThat(first.getBytesToDestination()).isEqualTo(999 * 60);
    assertThat(first.getBytesToSource()).isEqualTo(999 * 40);
    assertThat(first.getTcpResets()).isEqualTo(999);
    assertThat(first.getConnectionsOpened()).isEqualTo(999);
    ServiceTraffic second = windows.get(SCAN_EDGE + "@10000");
    assertThat(second.getFailedAttempts()).isEqualTo(1_001);
    assertThat(second.getDistinctDestinationPorts()).isEqualTo(1_001);

    ServiceTraffic service = windows.get(SERVICE_EDGE + "@0");
    assertThat(service.getPortsFolded()).isFalse();
    assertThat(service.getDestinationPort()).isEqualTo(8080);
    assertThat(service.getBytesToDestination()).isEqualTo(500);
    assertThat(service.getBytesToSource()).isEqualTo(9_000);
    assertThat(service.getFlows()).isEqualTo(1);
    assertThat(service.getFailedAttempts()).isZero();
    assertThat(service.getDistinctDestinationPorts()).isZero();
    assertThat(service.getDistinctDestinationAddresses()).isZero();
    assertThat(windows.get("shop/Deployment/frontend>shop/StatefulSet/checkout:9090/6@0").getConnectionsOpened()).isEqualTo(1);
  }

  @Test
  void aSweepOf256AddressesOnOnePortIsOneEdgeWithTheirCount() {
    List<FlowEvent> flows = new ArrayList<>();
    for (int host = 0; host < 256; host++) {
      byte[] address = {93, (byte) 184, (byte) 216, (byte) host};
      flows.add(flow(FRONTEND_1, FRONTEND_1_IP, 45_000, INTERNET, address, 22, "node-a", Direction.UNKNOWN, 4)
          .setBytes(120).setPackets(2).setTcpFlags(SYN).build());
    }
    Map<String, ServiceTraffic> windows = window(flows);

    String sweep = "shop/Deployment/frontend>-/External/PUBLIC:*/6@0";
    assertThat(windows.keySet()).containsExactly(sweep);
    assertThat(windows.get(sweep).getFailedAttempts()).isEqualTo(256);
    assertThat(windows.get(sweep).getDistinctDestinationPorts()).isEqualTo(1);
    assertThat(windows.get(sweep).getDistinctDestinationAddresses()).isEqualTo(256);
    assertThat(windows.get(sweep).getPacketsToDestination()).isEqualTo(512);
  }

  @Test
  void whatIsNoFailedAttemptKeepsItsPort() {
    // A Service's refused connection is that service's: it stays on its edge.
    assertThat(trafficEdge(flow(FRONTEND_1, FRONTEND_1_IP, 41_000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a",
        Direction.UNKNOWN, 1).setBytes(60).setPackets(1).setTcpFlags(SYN).build())).isEqualTo(SERVICE_EDGE);
    assertThat(trafficEdge(flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_1, FRONTEND_1_IP, 41_000, "node-b",
        Direction.UNKNOWN, 1).setBytes(40).setPackets(1).setTcpFlags(RST_ACK).build())).isEqualTo(SERVICE_EDGE);
    // A handshake completed, then reset: a real connection.
    assertThat(trafficEdge(probe(443, 1).setTcpFlags(SYN_ACK | Protocols.RST).build()))
        .isEqualTo("shop/Deployment/frontend>shop/StatefulSet/checkout:443/6");
    // An open port's SYN-ACK to a half-open probe: the port's edge.
    assertThat(trafficEdge(refusal(443, 1).setTcpFlags(SYN_ACK).build()))
        .isEqualTo("shop/Deployment/frontend>shop/StatefulSet/checkout:443/6");
    // A reset that is more than a refusal (data in the same interval).
    assertThat(trafficEdge(refusal(443, 1).setTcpFlags(RST_ACK | 0x08).build()))
        .isEqualTo("shop/Deployment/frontend>shop/StatefulSet/checkout:443/6");
    // A source without byte counts (Hubble's packet events): a SYN alone is every connection's first event.
    assertThat(trafficEdge(probe(443, 1).setTcpFlags(SYN).setBytes(0).build()))
        .isEqualTo("shop/Deployment/frontend>shop/StatefulSet/checkout:443/6");
    // UDP has no handshake to fail.
    assertThat(trafficEdge(probe(53, 1).setProtocol(Protocols.UDP).build()))
        .isEqualTo("shop/Deployment/frontend>shop/StatefulSet/checkout:53/17");
    // The half-open probe the client reset itself (SYN and RST, no ACK) is one.
    assertThat(trafficEdge(probe(443, 1).setTcpFlags(SYN | Protocols.RST).build())).isEqualTo(SCAN_EDGE);
  }

  @Test
  void theCountsSurviveStateAndMergeAndOlderStateStillReads() throws IOException {
    TrafficAccumulator whole = new TrafficAccumulator();
    TrafficAccumulator first = new TrafficAccumulator();
    TrafficAccumulator second = new TrafficAccumulator();
    for (int port = 1; port <= 300; port++) {
      ClassifiedFlow flow = FailedAttempts.onTrafficEdge(classifier.classifyCounted(probe(port, 1).setTcpFlags(SYN).build()));
      whole.add(flow);
      (port % 2 == 0 ? first : second).add(flow);
    }
    TrafficAccumulator merged = roundTrip(first);
    merged.merge(roundTrip(second));
    assertThat(merged.toServiceTraffic(0, WINDOW, 0)).isEqualTo(whole.toServiceTraffic(0, WINDOW, 0));
    assertThat(merged.toServiceTraffic(0, WINDOW, 0).getDistinctDestinationPorts()).isEqualTo(300);

    // Format 2 (before the attempt counts) is format 3 without its last three empty counters.
    TrafficAccumulator real = new TrafficAccumulator();
    real.add(classifier.classifyCounted(flow(FRONTEND_1, FRONTEND_1_IP, 41_000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a",
        Direction.UNKNOWN, 1).setBytes(500).setPackets(5).setTcpFlags(SYN_ACK).setTcpRttMicros(300L).build()));
    byte[] format3 = bytes(real);
    byte[] format2 = Arrays.copyOf(format3, format3.length - 3 * 5);
    format2[0] = 2;
    assertThat(TrafficAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(format2))).toServiceTraffic(0, WINDOW, 0))
        .isEqualTo(real.toServiceTraffic(0, WINDOW, 0));
  }

  @Test
  void beyondTheExactBoundAttemptsAndAddressesAreEstimated() throws IOException {
    TrafficAccumulator acc = new TrafficAccumulator();
    for (int host = 0; host < 20_000; host++) {
      byte[] address = {10, 1, (byte) (host >> 8), (byte) host};
      acc.add(FailedAttempts.onTrafficEdge(classifier.classifyCounted(flow(FRONTEND_1, FRONTEND_1_IP, 45_000, INTERNET,
          address, 22, "node-a", Direction.UNKNOWN, 4).setBytes(60).setPackets(1).setTcpFlags(SYN).build())));
    }
    ServiceTraffic sweep = roundTrip(acc).toServiceTraffic(0, WINDOW, 0);
    assertThat(sweep.getDistinctDestinationAddresses()).isBetween(19_500L, 20_500L);
    assertThat(sweep.getFailedAttempts()).isBetween(19_500L, 20_500L);
    assertThat(sweep.getDistinctDestinationPorts()).isEqualTo(1);
  }

  /** A scanner probe from frontend-1 to checkout-0's {@code port}, in the request direction. */
  private static FlowEvent.Builder probe(int port, double second) {
    return flow(FRONTEND_1, FRONTEND_1_IP, 40_000, CHECKOUT_0_BARE, CHECKOUT_0_IP, port, "node-a", Direction.UNKNOWN, second)
        .setBytes(60).setPackets(1);
  }

  /** checkout-0's kernel refusing the probe to {@code port} with RST-ACK. */
  private static FlowEvent.Builder refusal(int port, double second) {
    return flow(CHECKOUT_0_BARE, CHECKOUT_0_IP, port, FRONTEND_1, FRONTEND_1_IP, 40_000, "node-b", Direction.UNKNOWN, second)
        .setBytes(40).setPackets(1).setTcpFlags(RST_ACK);
  }

  private String trafficEdge(FlowEvent flow) {
    return FailedAttempts.onTrafficEdge(classifier.classifyCounted(flow)).edgeKey();
  }

  /** What an engine does: each flow on its traffic edge, summed per edge and window; keyed {@code edge@<start ms after T0>}. */
  private Map<String, ServiceTraffic> window(List<FlowEvent> flows) {
    Map<String, TrafficAccumulator> open = new TreeMap<>();
    for (FlowEvent event : flows) {
      ClassifiedFlow flow = FailedAttempts.onTrafficEdge(classifier.classifyCounted(event));
      long start = TrafficWindows.start(flow.eventTimeMillis(), WINDOW);
      open.computeIfAbsent(flow.edgeKey() + "@" + (start - T0.toEpochMilli()), k -> new TrafficAccumulator()).add(flow);
    }
    Map<String, ServiceTraffic> out = new TreeMap<>();
    open.forEach((key, acc) -> {
      long start = T0.toEpochMilli() + Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
      ServiceTraffic traffic = acc.toServiceTraffic(start, start + WINDOW, 0);
      assertThat(TrafficWindows.edgeKey(traffic) + "@" + (start - T0.toEpochMilli())).isEqualTo(key);
      out.put(key, traffic);
    });
    return out;
  }

  private static byte[] bytes(TrafficAccumulator acc) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    acc.writeTo(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  private static TrafficAccumulator roundTrip(TrafficAccumulator acc) throws IOException {
    return TrafficAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(acc))));
  }
}
