package dev.flowtel.flink.detection;

import dev.flowtel.flink.input.DeadLetter;

/**
 * One record of the compacted cluster-state topic: its key ({@code kind/namespace/name}), its
 * single-object encoded ClusterState (null for a tombstone) and when it takes effect; or a dead
 * letter when the bytes are not a ClusterState. The bytes travel undecoded, so the broadcast
 * state stores them as they came.
 */
public record ClusterStateChange(String key, byte[] value, long observedAtMillis, DeadLetter deadLetter)
    implements java.io.Serializable {

  public boolean tombstone() {
    return value == null;
  }
}
