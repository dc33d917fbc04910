package dev.flowtel.clusterstate;

/**
 * Record keys of the compacted topic, exactly as the simulator writes them and the stream jobs'
 * ClusterStatePolicies reads them: {@code Namespace/<name>} and
 * {@code NetworkPolicy/<namespace>/<name>}; a staged policy (written by {@code flowtel policy stage},
 * never by the publisher) is {@code StagedNetworkPolicy/<namespace>/<name>}.
 */
public final class ClusterStateKeys {

  private ClusterStateKeys() {}

  public static String namespace(String name) {
    return "Namespace/" + name;
  }

  public static String networkPolicy(String namespace, String name) {
    return "NetworkPolicy/" + namespace + "/" + name;
  }

  public static String stagedNetworkPolicy(String namespace, String name) {
    return "StagedNetworkPolicy/" + namespace + "/" + name;
  }
}
