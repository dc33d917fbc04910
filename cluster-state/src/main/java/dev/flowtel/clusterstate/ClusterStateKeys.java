package dev.flowtel.clusterstate;

/**
 * Record keys of the compacted topic, exactly as the simulator writes them and the stream jobs'
 * ClusterStatePolicies reads them: {@code Namespace/<name>} and
 * {@code NetworkPolicy/<namespace>/<name>}; the cluster-scoped policies {@code AdminNetworkPolicy/<name>},
 * {@code BaselineAdminNetworkPolicy/<name>} and {@code ClusterNetworkPolicy/<name>}, and {@code Node/<name>};
 * a staged policy (written by {@code flowtel policy stage},
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

  /** {@code kind} is the Kubernetes kind: AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy. */
  public static String clusterPolicy(String kind, String name) {
    return kind + "/" + name;
  }

  public static String node(String name) {
    return "Node/" + name;
  }
}
