package dev.flowtel.simulator;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small clusters and runs the tests share: big enough to show every behaviour, small enough to run in a second. */
final class SimulatorScenarios {

  private SimulatorScenarios() {}

  /** 3 application namespaces (the last one open), 3 nodes, 2 pods per workload, 2000 flows/s for 4 minutes. */
  static SimulatorSettings small() {
    return SimulatorSettings.defaults()
        .withNamespaces(3)
        .withNodes(3)
        .withPodsPerWorkload(2)
        .withFlowsPerSecond(2_000)
        .withDuration(Duration.ofMinutes(4))
        .withEpisodeDuration(Duration.ofSeconds(20));
  }

  static SimulatorSettings clean() {
    return small().withEpisodesPerType(0);
  }

  /** Everything one run delivered, in order. */
  record Recorded(List<LabeledFlow> flows, List<ClusterStateRecord> states) {}

  static Recorded record(ClusterSimulator simulator) {
    List<LabeledFlow> flows = new ArrayList<>();
    List<ClusterStateRecord> states = new ArrayList<>();
    simulator.run(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        flows.add(new LabeledFlow(flow, edgeKey, label));
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        states.add(record);
      }
    });
    return new Recorded(flows, states);
  }
}
