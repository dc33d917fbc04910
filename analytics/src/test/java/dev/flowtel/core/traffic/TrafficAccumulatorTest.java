package dev.flowtel.core.traffic;

import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0;
import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_2;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_2_IP;
import static dev.flowtel.core.edge.TestFlows.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Given two frontend pods calling checkout, each connection seen at both nodes, in both
 * directions, one of them over two export intervals and one ending in a reset, when the window's
 * flows are accumulated, then every connection and byte counts once.
 */
class TrafficAccumulatorTest {

  private final FlowClassifier classifier = new FlowClassifier();

  @Test
  void aWindowOfDuplicatedObservationsCountsEachConnectionOnce() {
    TrafficAccumulator acc = new TrafficAccumulator();
    scenario().forEach(f -> classifier.classify(f).ifPresent(acc::add));

    ServiceTraffic traffic = acc.toServiceTraffic(Instant.parse("2026-11-26T10:00:00Z").toEpochMilli(),
        Instant.parse("2026-11-26T10:00:10Z").toEpochMilli(), 0);

    assertThat(traffic.getSource().getName()).isEqualTo("frontend");
    assertThat(traffic.getDestination().getKind()).isEqualTo("Service");
    assertThat(traffic.getDestination().getName()).isEqualTo("checkout");
    assertThat(traffic.getDestinationPort()).isEqualTo(8080);
    assertThat(traffic.getBytesToDestination()).isEqualTo(500 + 300 + 700);
    assertThat(traffic.getBytesToSource()).isEqualTo(9_000 + 4_000 + 120);
    assertThat(traffic.getPacketsToDestination()).isEqualTo(5 + 3 + 6);
    assertThat(traffic.getPacketsToSource()).isEqualTo(8 + 4 + 2);
    assertThat(traffic.getFlows()).isEqualTo(2);
    assertThat(traffic.getConnectionsOpened()).isEqualTo(2);
    assertThat(traffic.getConnectionsClosed()).isEqualTo(2);
    assertThat(traffic.getTcpResets()).isEqualTo(1);
    assertThat(traffic.getDistinctSourcePods()).isEqualTo(2);
    assertThat(traffic.getRttP50Micros()).isEqualTo(300L);
    assertThat(traffic.getRttP99Micros()).isEqualTo(900L);
    assertThat(traffic.getRevision()).isZero();
  }

  @Test
  void mergingPartsEqualsAccumulatingTheWholeAndSurvivesStateSerialization() throws IOException {
    List<FlowEvent> flows = scenario();
    TrafficAccumulator whole = new TrafficAccumulator();
    TrafficAccumulator first = new TrafficAccumulator();
    TrafficAccumulator second = new TrafficAccumulator();
    for (int i = 0; i < flows.size(); i++) {
      int index = i;
      classifier.classify(flows.get(i)).ifPresent(c -> {
        whole.add(c);
        (index % 2 == 0 ? first : second).add(c);
      });
    }
    TrafficAccumulator merged = roundTrip(first);
    merged.merge(roundTrip(second));
    assertThat(merged.toServiceTraffic(0, 10_000, 0)).isEqualTo(whole.toServiceTraffic(0, 10_000, 0));
  }

  @Test
  void beyondTheExactBoundDistinctPodsComeFromTheSketch() throws IOException {
    TrafficAccumulator acc = new TrafficAccumulator();
    for (int i = 0; i < 5_000; i++) {
      var pod = dev.flowtel.core.edge.TestFlows.pod("frontend-" + i, "Deployment", "frontend", "node-a", java.util.List.of());
      classifier.classify(flow(pod, FRONTEND_1_IP, 40_000 + i % 20_000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a",
          Direction.INGRESS, 1).setBytes(1).setPackets(1).build()).ifPresent(acc::add);
    }
    long estimate = roundTrip(acc).distinctSourcePods();
    assertThat(estimate).isBetween(4_800L, 5_200L);
    assertThat(acc.flows()).isEqualTo(5_000);
  }

  private static TrafficAccumulator roundTrip(TrafficAccumulator acc) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    acc.writeTo(new DataOutputStream(bytes));
    return TrafficAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  /** Connection A: frontend-1:41000 over two intervals, clean close. Connection B: frontend-2:42000, reset by the server. */
  static List<FlowEvent> scenario() {
    List<FlowEvent> flows = new ArrayList<>();
    int synAck = Protocols.SYN | Protocols.ACK;
    // A, interval 1: request and reply, each at both nodes (the second observation is a duplicate).
    for (Direction d : new Direction[] {Direction.INGRESS, Direction.EGRESS}) {
      String requestNode = d == Direction.INGRESS ? "node-a" : "node-b";
      String replyNode = d == Direction.INGRESS ? "node-b" : "node-a";
      flows.add(flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, requestNode, d, 2)
          .setBytes(500).setPackets(5).setTcpFlags(synAck).setTcpRttMicros(300L).build());
      flows.add(flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_1, FRONTEND_1_IP, 41000, replyNode, d, 2)
          .setBytes(9_000).setPackets(8).setTcpFlags(synAck).build());
      // A, interval 2: closes with FIN.
      flows.add(flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, requestNode, d, 7)
          .setBytes(300).setPackets(3).setTcpFlags(Protocols.ACK | Protocols.FIN).setTcpRttMicros(900L).build());
      flows.add(flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_1, FRONTEND_1_IP, 41000, replyNode, d, 7)
          .setBytes(4_000).setPackets(4).setTcpFlags(Protocols.ACK | Protocols.FIN).build());
      // B: one interval, the server resets; the client's next segment also carries RST.
      flows.add(flow(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, requestNode, d, 4)
          .setBytes(700).setPackets(6).setTcpFlags(synAck | Protocols.RST).setTcpRttMicros(200L).build());
      flows.add(flow(CHECKOUT_0, CHECKOUT_0_IP, 8080, FRONTEND_2, FRONTEND_2_IP, 42000, replyNode, d, 4)
          .setBytes(120).setPackets(2).setTcpFlags(synAck).build());
    }
    return flows;
  }
}
