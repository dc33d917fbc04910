package dev.flowtel.simulator.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import dev.flowtel.core.source.SyntheticSettings;
import dev.flowtel.core.source.SyntheticSourceFactory;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator behind the collector's source interface: the same flows and keys it generates, its
 * cluster state first, and found by {@code --source synthetic} through the service loader.
 */
class SimulatedSourcesTest {

  @Test
  void theCollectorFindsTheSimulatorAndItEndsAfterItsFlows() throws Exception {
    SyntheticSourceFactory factory = SyntheticSourceFactory.installed().orElseThrow();
    assertThat(factory).isInstanceOf(SimulatedSources.class);
    List<String> keys = new ArrayList<>();
    try (FlowSource source = factory.open(new SyntheticSettings(1_000_000, 7, 500, Duration.ofHours(1), Instant.parse("2026-12-04T10:00:00Z")))) {
      assertThat(source.name()).isEqualTo("synthetic");
      assertThat(source.keysByServiceEdge()).isTrue();
      source.start((flow, partitionKey) -> keys.add(partitionKey));
      assertThat(source.awaitEnd(Duration.ofSeconds(60))).as("a bounded simulation ends").isTrue();
    }
    assertThat(keys).hasSize(500).doesNotContainNull();
  }

  @Test
  void forwardsTheSimulatorsFlowsWithTheirEdgeKeysAndItsClusterState() throws Exception {
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(5);
    List<LabeledFlow> expected = ClusterSimulator.of(settings).generate(2_000);
    int initialState = ClusterSimulator.of(settings).clusterState().size();

    List<FlowEvent> flows = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> stateKeys = new ArrayList<>();
    List<Integer> flowsBeforeState = new ArrayList<>();
    try (SyntheticFlowSource source = SyntheticFlowSource.of(ClusterSimulator.of(settings), 2_000)) {
      assertThat(source.name()).isEqualTo("synthetic");
      source.start(new FlowSink() {
        @Override
        public void flow(FlowEvent flow, String partitionKey) {
          flows.add(flow);
          keys.add(partitionKey);
        }

        @Override
        public void clusterState(String key, ClusterState stateOrNull) {
          stateKeys.add(key);
          flowsBeforeState.add(flows.size());
        }
      });
      assertThat(source.awaitCompletion(Duration.ofSeconds(30))).isTrue();
      assertThat(source.flowsDelivered()).isEqualTo(2_000);
    }
    assertThat(flows).isEqualTo(expected.stream().map(LabeledFlow::flow).toList());
    assertThat(keys).isEqualTo(expected.stream().map(LabeledFlow::edgeKey).toList());
    assertThat(stateKeys.size()).isGreaterThanOrEqualTo(initialState);
    assertThat(flowsBeforeState.subList(0, initialState)).as("the initial cluster state comes before any flow").containsOnly(0);
  }
}
