package dev.flowtel.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.FlowEvent;
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
}
