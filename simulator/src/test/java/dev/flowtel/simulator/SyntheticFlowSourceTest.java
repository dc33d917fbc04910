package dev.flowtel.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.dns.DnsEpisodeSpec;
import dev.flowtel.simulator.dns.DnsSimulation;
import dev.flowtel.simulator.dns.LabeledDns;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.source.SyntheticFlowSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticFlowSourceTest {

  @Test
  void pushesTheClusterStateThenExactlyTheRequestedFlowsInTheLibrarysOrder() throws Exception {
    ClusterSimulator simulator = ClusterSimulator.of(SimulatorScenarios.small());
    List<FlowEvent> pushed = new ArrayList<>();
    List<ClusterStateRecord> states = new ArrayList<>();
    try (SyntheticFlowSource source = SyntheticFlowSource.of(simulator, 5_000)) {
      source.start(new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          pushed.add(flow);
        }

        @Override
        public void clusterState(ClusterStateRecord record) {
          if (pushed.isEmpty()) {
            states.add(record);
          }
        }
      });
      assertThat(source.awaitCompletion(Duration.ofSeconds(30))).isTrue();
      assertThat(source.flowsDelivered()).isEqualTo(5_000);
    }
    assertThat(states).isEqualTo(simulator.clusterState());
    assertThat(pushed).isEqualTo(simulator.generate(5_000).stream().map(LabeledFlow::flow).toList());
  }

  @Test
  void withDnsDeliversTheSimulationsTransactionsInTimeOrderBeforeTheFlowsThatEndAfterThem() throws Exception {
    ClusterSimulator simulator = ClusterSimulator.of(SimulatorScenarios.small().withDuration(Duration.ofMinutes(1)));
    DnsSimulation dns = DnsSimulation.of(simulator, List.of(DnsEpisodeSpec.parse("DNS_TUNNEL@10s+20s")));
    List<Object> pushed = new ArrayList<>();
    try (SyntheticFlowSource source = SyntheticFlowSource.of(simulator, 20_000).withDns(dns)) {
      source.start(new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          pushed.add(flow);
        }

        @Override
        public void dns(LabeledDns transaction) {
          pushed.add(transaction);
        }
      });
      assertThat(source.awaitCompletion(Duration.ofSeconds(30))).isTrue();
    }
    List<LabeledDns> delivered = pushed.stream().filter(LabeledDns.class::isInstance).map(LabeledDns.class::cast).toList();
    java.time.Instant latestEnd = pushed.stream().filter(FlowEvent.class::isInstance).map(f -> ((FlowEvent) f).getFlowEnd())
        .max(java.util.Comparator.naturalOrder()).orElseThrow();
    List<LabeledDns> expected = new ArrayList<>();
    dns.run(d -> {
      if (!d.transaction().getQueryTime().isAfter(latestEnd)) {
        expected.add(d);
      }
    });
    assertThat(delivered.size()).isGreaterThan(300);
    assertThat(delivered.equals(expected)).as("the DNS simulation's transactions up to the latest flow's end, in order").isTrue();
    assertThat(delivered).anyMatch(d -> !d.clean());
    for (int i = 1; i < pushed.size(); i++) {
      if (pushed.get(i) instanceof FlowEvent flow && pushed.get(i - 1) instanceof LabeledDns d) {
        assertThat(d.transaction().getQueryTime()).isBeforeOrEqualTo(flow.getFlowEnd());
      }
    }
  }
}
