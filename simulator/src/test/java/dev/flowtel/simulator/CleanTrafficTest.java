package dev.flowtel.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.flow.TcpFlags;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Given the small cluster without episodes, the flows follow the model and look like a TC collector's. */
class CleanTrafficTest {

  private static ClusterSimulator simulator;
  private static List<LabeledFlow> flows;
  private static Map<String, CallEdge> edges;

  @BeforeAll
  static void run() {
    simulator = ClusterSimulator.of(SimulatorScenarios.clean());
    flows = SimulatorScenarios.record(simulator).flows();
    edges = simulator.callGraph().edges().stream().collect(Collectors.toMap(CallEdge::key, e -> e));
  }

  @Test
  void everyFlowIsOnAModelledEdgeBetweenItsClientsAndServers() {
    assertThat(flows).isNotEmpty().allSatisfy(f -> {
      assertThat(f.label()).isNull();
      assertThat(f.flow().getVerdict()).isEqualTo(Verdict.FORWARDED);
      CallEdge edge = edges.get(f.edgeKey());
      assertThat(edge).as("edge of %s", f.edgeKey()).isNotNull();
      FlowEvent flow = f.flow();
      boolean request = flow.getDstPort() == edge.port().port() && contains(edge.servers(), flow.getDstAddr());
      NetworkPeer client = request ? peer(edge.clients(), flow.getSrcAddr()) : peer(edge.clients(), flow.getDstAddr());
      NetworkPeer server = request ? peer(edge.servers(), flow.getDstAddr()) : peer(edge.servers(), flow.getSrcAddr());
      assertThat(client).as("client of %s", f.edgeKey()).isNotNull();
      assertThat(server).as("server of %s", f.edgeKey()).isNotNull();
      assertThat(flow.getProtocol()).isEqualTo(edge.port().protocolNumber());
      if (edge.service() != null) {
        assertThat(server.asServer().getServices()).containsExactly(edge.service().name());
        assertThat((request ? flow.getDestination() : flow.getSource()).getKind()).isEqualTo(EndpointKind.POD);
      }
    });
  }

  @Test
  void everyConnectionIntervalHasBothDirectionsAtBothObservationPointsWithTheSameCounts() {
    long interval = simulator.settings().exportInterval().toNanos();
    Map<String, List<FlowEvent>> byConnectionInterval = new HashMap<>();
    for (LabeledFlow f : flows) {
      long bucket = nanos(f.flow().getFlowStart()) / interval;
      byConnectionInterval.computeIfAbsent(f.flow().getCommunityId() + "@" + bucket, k -> new ArrayList<>()).add(f.flow());
    }
    assertThat(byConnectionInterval.values()).allSatisfy(group -> {
      assertThat(group).hasSize(4);
      Map<String, List<FlowEvent>> byDirection = group.stream().collect(Collectors.groupingBy(
          g -> Ipv4.format(ByteBuffer.wrap(bytes(g.getSrcAddr())).getInt()) + ":" + g.getSrcPort()));
      assertThat(byDirection).hasSize(2);
      byDirection.values().forEach(pair -> {
        assertThat(pair).hasSize(2);
        assertThat(pair.get(0).getBytes()).isEqualTo(pair.get(1).getBytes()).isPositive();
        assertThat(pair.get(0).getPackets()).isEqualTo(pair.get(1).getPackets()).isPositive();
        assertThat(pair.get(0).getTcpFlags()).isEqualTo(pair.get(1).getTcpFlags());
        assertThat(Set.of(pair.get(0).getDirection(), pair.get(1).getDirection()))
            .containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
      });
    });
  }

  @Test
  void longConnectionsSpanIntervalsWithSynFirstAndFinOrRstLast() {
    Map<String, List<FlowEvent>> requests = new HashMap<>();
    for (LabeledFlow f : flows) {
      FlowEvent flow = f.flow();
      if (flow.getProtocol() == 6 && flow.getDirection() == Direction.INGRESS && flow.getDstPort() < 32768) {
        requests.computeIfAbsent(flow.getCommunityId(), k -> new ArrayList<>()).add(flow);
      }
    }
    List<List<FlowEvent>> complete = requests.values().stream()
        .filter(l -> l.size() >= 3 && l.stream().anyMatch(x -> (x.getTcpFlags() & TcpFlags.SYN) != 0)
            && l.stream().anyMatch(x -> (x.getTcpFlags() & TcpFlags.FIN) != 0))
        .toList();
    assertThat(complete).isNotEmpty();
    for (List<FlowEvent> connection : complete) {
      List<FlowEvent> ordered = connection.stream().sorted((a, b) -> a.getFlowStart().compareTo(b.getFlowStart())).toList();
      assertThat(ordered.get(0).getTcpFlags() & TcpFlags.SYN).isEqualTo(TcpFlags.SYN);
      assertThat(ordered.get(ordered.size() - 1).getTcpFlags() & TcpFlags.FIN).isEqualTo(TcpFlags.FIN);
      ordered.subList(1, ordered.size() - 1).forEach(mid -> assertThat(mid.getTcpFlags() & (TcpFlags.SYN | TcpFlags.FIN)).isZero());
    }
  }

  @Test
  void deliveryIsInFlowEndOrderWithinTheOutOfOrderBound() {
    long bound = simulator.settings().outOfOrderBound().toNanos();
    long latest = 0;
    long outOfOrder = 0;
    for (LabeledFlow f : flows) {
      long end = nanos(f.flow().getFlowEnd());
      assertThat(end).isGreaterThanOrEqualTo(latest - bound);
      if (end < latest) {
        outOfOrder++;
      }
      latest = Math.max(latest, end);
    }
    assertThat(outOfOrder).as("some flows arrive late, as from a real collector").isPositive();
  }

  @Test
  void zeroBoundDeliversInExactFlowEndOrder() {
    ClusterSimulator exact = ClusterSimulator.of(SimulatorScenarios.clean().withOutOfOrderBound(Duration.ZERO)
        .withDuration(Duration.ofSeconds(30)));
    long latest = Long.MIN_VALUE;
    for (LabeledFlow f : SimulatorScenarios.record(exact).flows()) {
      long end = nanos(f.flow().getFlowEnd());
      assertThat(end).isGreaterThanOrEqualTo(latest);
      latest = end;
    }
  }

  @Test
  void meanRateIsCloseToTheConfiguredFlowsPerSecond() {
    double seconds = simulator.settings().duration().toSeconds();
    // The run starts at midnight, where the daily curve is below its mean: 1 + 0.6 cos(-14h) ~ 0.48.
    assertThat(flows.size() / seconds).isBetween(2_000 * 0.3, 2_000 * 0.7);
  }

  private static boolean contains(List<NetworkPeer> peers, ByteBuffer address) {
    return peer(peers, address) != null;
  }

  private static NetworkPeer peer(List<NetworkPeer> peers, ByteBuffer address) {
    int ip = ByteBuffer.wrap(bytes(address)).getInt();
    return peers.stream().filter(p -> p.address() == ip).findFirst().orElse(null);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  private static long nanos(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
