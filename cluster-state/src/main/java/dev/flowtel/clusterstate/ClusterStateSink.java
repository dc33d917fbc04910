package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import java.util.Set;

/** Where the publisher writes: the compacted topic ({@link KafkaClusterStateSink}), or a list in tests. */
public interface ClusterStateSink extends AutoCloseable {

  /**
   * The keys whose latest record on the topic is a value (not a tombstone), read to the end of the
   * topic as it is now: what a resync must tombstone if the cluster no longer has it.
   */
  Set<String> liveKeys() throws Exception;

  /** Sends one record; {@code state} null is a tombstone. Records of one key arrive in call order. */
  void publish(String key, ClusterState state);

  /** Blocks until everything published so far is acknowledged. */
  void flush();

  @Override
  void close();
}
