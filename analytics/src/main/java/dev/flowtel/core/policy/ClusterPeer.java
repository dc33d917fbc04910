package dev.flowtel.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a cluster-scoped rule's {@code from} or {@code to}. Namespaces and pods never match
 * host-network pods or addresses outside the cluster; nodes (egress only) match an address of a
 * node with matching labels, host-network pods included; networks (egress only) match any address
 * in them, pod addresses too.
 */
public sealed interface ClusterPeer {

  /** Every pod of the namespaces the selector selects. */
  record Namespaces(LabelSelector namespaceSelector) implements ClusterPeer {
    public Namespaces {
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    }

    @Override
    public String toString() {
      return "namespaces " + namespaceSelector;
    }
  }

  /** Pods matching {@code podSelector} in namespaces matching {@code namespaceSelector}. */
  record Pods(LabelSelector namespaceSelector, LabelSelector podSelector) implements ClusterPeer {
    public Pods {
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
      Objects.requireNonNull(podSelector, "podSelector");
    }

    @Override
    public String toString() {
      return "pods " + podSelector + " in namespaces " + namespaceSelector;
    }
  }

  /** The addresses of the nodes whose labels the selector selects (egress only). */
  record Nodes(LabelSelector nodeSelector) implements ClusterPeer {
    public Nodes {
      Objects.requireNonNull(nodeSelector, "nodeSelector");
    }

    @Override
    public String toString() {
      return "nodes " + nodeSelector;
    }
  }

  /** Addresses in any of these CIDRs (egress only). */
  record Networks(List<Cidr> cidrs) implements ClusterPeer {
    public Networks {
      cidrs = List.copyOf(cidrs);
      if (cidrs.isEmpty()) {
        throw new IllegalArgumentException("networks needs at least one CIDR");
      }
    }

    @Override
    public String toString() {
      return "networks " + cidrs;
    }
  }
}
