package dev.flowtel.collector.synthetic;

import dev.flowtel.collector.source.FlowSink;
import dev.flowtel.collector.source.FlowSource;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.SimulationSink;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.time.Duration;

/**
 * The simulator behind the collector's source interface ({@code --source synthetic}): its flows
 * with their edge keys, and its cluster state (namespaces, NetworkPolicies, their changes), so the
 * whole pipeline runs without a cluster. Ground-truth labels stay in the simulator.
 */
public final class SyntheticFlowSource implements FlowSource {

  private final dev.flowtel.simulator.source.SyntheticFlowSource simulation;

  private SyntheticFlowSource(dev.flowtel.simulator.source.SyntheticFlowSource simulation) {
    this.simulation = simulation;
  }

  /** The simulator's whole duration, paced per its settings. */
  public static SyntheticFlowSource of(ClusterSimulator simulator) {
    return new SyntheticFlowSource(dev.flowtel.simulator.source.SyntheticFlowSource.of(simulator));
  }

  /** Stops after {@code maxFlows} flows. */
  public static SyntheticFlowSource of(ClusterSimulator simulator, long maxFlows) {
    return new SyntheticFlowSource(dev.flowtel.simulator.source.SyntheticFlowSource.of(simulator, maxFlows));
  }

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public void start(FlowSink sink) {
    simulation.start(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        sink.flow(flow, edgeKey);
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        sink.clusterState(record.key(), record.value());
      }
    });
  }

  /** True when the simulation ended within {@code timeout}; rethrows a failure of the sink. */
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    return simulation.awaitCompletion(timeout);
  }

  public long flowsDelivered() {
    return simulation.flowsDelivered();
  }

  @Override
  public void close() {
    simulation.stop();
  }
}
