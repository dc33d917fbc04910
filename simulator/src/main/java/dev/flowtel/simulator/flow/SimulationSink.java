package dev.flowtel.simulator.flow;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;

/**
 * Receives the simulation's output in delivery order: flows in flowEnd order within the
 * out-of-order bound, and cluster-state changes at their time. Called on one thread.
 */
public interface SimulationSink {

  /**
   * One flow. {@code flow} and its endpoints share objects with other flows: read, never modify.
   *
   * @param edgeKey the same for both directions of a connection (client&gt;server:port/protocol),
   *     for keying Kafka records so one service edge stays in one partition
   * @param label the episode that produced the flow, or null for modelled (clean) traffic
   */
  void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label);

  /** A namespace or NetworkPolicy created, changed or deleted (tombstone) during the run. */
  default void clusterState(ClusterStateRecord record) {}

  /**
   * One DNS transaction, for flowtel.dns.v1 keyed by {@code dns.key()}; only a source given a {@link
   * dev.flowtel.simulator.dns.DnsSimulation} delivers them ({@code SyntheticFlowSource.withDns}), in query-time order,
   * each before the first flow that ends after its query.
   */
  default void dns(dev.flowtel.simulator.dns.LabeledDns dns) {}
}
