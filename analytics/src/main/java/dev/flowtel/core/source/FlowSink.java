package dev.flowtel.core.source;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;

/** Receives what a {@link FlowSource} produces, in its delivery order. */
public interface FlowSink {

  /**
   * One flow record.
   *
   * @param partitionKey keeps both directions of one service edge in one Kafka partition
   */
  void flow(FlowEvent flow, String partitionKey);

  /** A cluster-state change, for sources that model the cluster themselves (the simulator). */
  default void clusterState(String key, ClusterState stateOrNull) {}
}
