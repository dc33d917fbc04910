package dev.flowtel.core.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rule of a tier of cluster-scoped policies that decides one direction of a connection:
 * policies by {@link ClusterPolicy#EVALUATION_ORDER}, rules in the order written, the first rule
 * whose peers and ports match. {@code PolicyEngine} calls it before NetworkPolicy (admin tier) and,
 * for pods no NetworkPolicy isolates, after it (baseline tier). Immutable and safe to share.
 */
public final class ClusterPolicyEngine {

  private final PolicySet policies;
  private final List<ClusterPolicy> admin;
  private final List<ClusterPolicy> baseline;
  private final Map<IpAddress, List<NodeInfo>> nodesByAddress;

  public ClusterPolicyEngine(PolicySet policies) {
    this.policies = policies;
    List<ClusterPolicy> adminTier = new ArrayList<>();
    List<ClusterPolicy> baselineTier = new ArrayList<>();
    for (ClusterPolicy policy : policies.clusterPolicies()) {
      (policy.tier() == ClusterPolicyTier.Admin ? adminTier : baselineTier).add(policy);
    }
    adminTier.sort(ClusterPolicy.EVALUATION_ORDER);
    baselineTier.sort(ClusterPolicy.EVALUATION_ORDER);
    this.admin = List.copyOf(adminTier);
    this.baseline = List.copyOf(baselineTier);
    Map<IpAddress, List<NodeInfo>> byAddress = new HashMap<>();
    for (NodeInfo node : policies.nodes()) {
      for (IpAddress address : node.addresses()) {
        byAddress.computeIfAbsent(address, a -> new ArrayList<>()).add(node);
      }
    }
    this.nodesByAddress = Map.copyOf(byAddress);
  }

  /** Whether there is no cluster-scoped policy at all: then NetworkPolicy alone decides. */
  public boolean isEmpty() {
    return admin.isEmpty() && baseline.isEmpty();
  }

  /** The policies of a tier in the order they are evaluated. */
  public List<ClusterPolicy> tier(ClusterPolicyTier tier) {
    return tier == ClusterPolicyTier.Admin ? admin : baseline;
  }

  /**
   * The first rule of {@code tier} that matches, Pass included; null when none does.
   *
   * @param subject the pod whose {@code type} direction is judged (the source for egress, the destination for ingress)
   * @param counterpart the other end
   * @param destination the connection's destination, for named ports
   */
  public ClusterRuleRef decide(ClusterPolicyTier tier, PolicyType type, PodInfo subject, Peer counterpart,
      Peer destination, Protocol protocol, int port) {
    if (subject.hostNetwork()) {
      return null;
    }
    Map<String, String> subjectNamespace = null;
    for (ClusterPolicy policy : tier(tier)) {
      List<ClusterPolicyRule> rules = policy.rules(type);
      if (rules.isEmpty()) {
        continue;
      }
      if (subjectNamespace == null) {
        subjectNamespace = policies.namespaceLabels(subject.namespace());
      }
      if (!policy.subject().selects(subject, subjectNamespace)) {
        continue;
      }
      for (int i = 0; i < rules.size(); i++) {
        ClusterPolicyRule rule = rules.get(i);
        if (matches(rule, counterpart, destination, protocol, port)) {
          return new ClusterRuleRef(policy.tier(), policy.id(), policy.priority(), type, i, rule.name(), rule.action());
        }
      }
    }
    return null;
  }

  private boolean matches(ClusterPolicyRule rule, Peer counterpart, Peer destination, Protocol protocol, int port) {
    if (!rule.ports().isEmpty()) {
      boolean portMatches = false;
      for (ClusterPort clusterPort : rule.ports()) {
        if (clusterPort.matches(protocol, port, destination)) {
          portMatches = true;
          break;
        }
      }
      if (!portMatches) {
        return false;
      }
    }
    for (ClusterPeer peer : rule.peers()) {
      if (matches(peer, counterpart)) {
        return true;
      }
    }
    return false;
  }

  private boolean matches(ClusterPeer peer, Peer counterpart) {
    if (peer instanceof ClusterPeer.Namespaces namespaces) {
      return counterpart instanceof PodInfo pod && !pod.hostNetwork()
          && namespaces.namespaceSelector().matches(policies.namespaceLabels(pod.namespace()));
    }
    if (peer instanceof ClusterPeer.Pods pods) {
      return counterpart instanceof PodInfo pod && !pod.hostNetwork()
          && pods.namespaceSelector().matches(policies.namespaceLabels(pod.namespace()))
          && pods.podSelector().matches(pod.labels());
    }
    if (counterpart.ip() == null) {
      return false;
    }
    if (peer instanceof ClusterPeer.Nodes nodes) {
      for (NodeInfo node : nodesByAddress.getOrDefault(counterpart.ip(), List.of())) {
        if (nodes.nodeSelector().matches(node.labels())) {
          return true;
        }
      }
      return false;
    }
    for (Cidr cidr : ((ClusterPeer.Networks) peer).cidrs()) {
      if (cidr.contains(counterpart.ip())) {
        return true;
      }
    }
    return false;
  }
}
