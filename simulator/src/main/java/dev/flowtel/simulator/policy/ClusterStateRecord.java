package dev.flowtel.simulator.policy;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import java.time.Instant;

/**
 * One record for the compacted topic flowtel.cluster-state.v1.
 *
 * @param key "Namespace/&lt;name&gt;" or "NetworkPolicy/&lt;namespace&gt;/&lt;name&gt;"
 * @param value null for a tombstone (the object was deleted)
 * @param at event time the change takes effect
 * @param label the POLICY_CHANGE episode that caused it, or null for the initial state
 */
public record ClusterStateRecord(String key, ClusterState value, Instant at, GroundTruthLabel label) {

  public static String namespaceKey(String name) {
    return "Namespace/" + name;
  }

  public static String networkPolicyKey(String namespace, String name) {
    return "NetworkPolicy/" + namespace + "/" + name;
  }

  public boolean tombstone() {
    return value == null;
  }
}
