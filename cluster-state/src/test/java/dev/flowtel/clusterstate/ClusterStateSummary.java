package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterPolicyRuleState;
import dev.flowtel.schema.ClusterPolicyState;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.NetworkPolicyState;
import java.util.TreeMap;

/**
 * A ClusterState in one line, for exact assertions: labels of a namespace or node, the rules of a
 * policy, a cluster-scoped policy's tier, priority and rule actions.
 */
final class ClusterStateSummary {

  private ClusterStateSummary() {}

  static String of(ClusterState state) {
    if (state == null) {
      return "tombstone";
    }
    return switch (state.getKind()) {
      case NAMESPACE -> "namespace " + state.getNamespace().getName() + " " + new TreeMap<>(state.getNamespace().getLabels());
      case NETWORK_POLICY -> policy(state.getNetworkPolicy());
      case STAGED_NETWORK_POLICY -> "staged " + policy(state.getNetworkPolicy());
      case ADMIN_NETWORK_POLICY, BASELINE_ADMIN_NETWORK_POLICY, CLUSTER_NETWORK_POLICY -> clusterPolicy(state.getClusterPolicy());
      case NODE -> "node " + state.getNode().getName() + " " + new TreeMap<>(state.getNode().getLabels()) + " "
          + state.getNode().getAddresses();
      case UNKNOWN -> "unknown";
    };
  }

  /** The kind, name, tier and priority, and each rule as action and port count. */
  private static String clusterPolicy(ClusterPolicyState p) {
    return p.getKind() + " " + p.getName() + " " + p.getTier() + "/" + p.getPriority()
        + " ingress " + rules(p.getIngress()) + " egress " + rules(p.getEgress());
  }

  private static String rules(java.util.List<ClusterPolicyRuleState> rules) {
    return rules.stream().map(r -> r.getAction() + (r.getPorts() == null ? "" : ":" + r.getPorts().size() + " ports")).toList()
        .toString();
  }

  private static String policy(NetworkPolicyState p) {
    return "policy " + p.getNamespace() + "/" + p.getName() + " selects " + new TreeMap<>(p.getPodSelector().getMatchLabels())
        + " types " + p.getPolicyTypes() + " ingress " + (p.getIngress() == null ? "-" : p.getIngress().size()
            + " ports " + p.getIngress().stream().flatMap(r -> r.getPorts() == null ? java.util.stream.Stream.of()
                : r.getPorts().stream()).map(port -> port.getProtocol() + "/" + port.getPort()).toList())
        + " egress " + (p.getEgress() == null ? "-" : p.getEgress().size());
  }
}
