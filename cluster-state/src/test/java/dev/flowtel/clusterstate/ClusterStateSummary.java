package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.NetworkPolicyState;
import java.util.TreeMap;

/** A ClusterState in one line, for exact assertions: labels of a namespace, the rules of a policy. */
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
      case UNKNOWN -> "unknown";
    };
  }

  private static String policy(NetworkPolicyState p) {
    return "policy " + p.getNamespace() + "/" + p.getName() + " selects " + new TreeMap<>(p.getPodSelector().getMatchLabels())
        + " types " + p.getPolicyTypes() + " ingress " + (p.getIngress() == null ? "-" : p.getIngress().size()
            + " ports " + p.getIngress().stream().flatMap(r -> r.getPorts() == null ? java.util.stream.Stream.of()
                : r.getPorts().stream()).map(port -> port.getProtocol() + "/" + port.getPort()).toList())
        + " egress " + (p.getEgress() == null ? "-" : p.getEgress().size());
  }
}
