package dev.flowtel.core.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges connections against a {@link PolicySet} with Kubernetes NetworkPolicy semantics: a pod
 * is isolated for a direction only when some policy selecting it has that policy type; an
 * isolated pod allows exactly the union of the rules of the policies isolating it; a connection
 * needs both the source's egress and the destination's ingress.
 *
 * <p>Choices where Kubernetes leaves room, the ones Calico and Cilium make:
 * <ul>
 *   <li>ipBlock matches any address, pod IPs included; pod and namespace selectors never match an
 *       address outside the cluster.
 *   <li>Host-network pods are never isolated, and selectors do not match them (their packets carry
 *       the node's address); an ipBlock can match their IP.
 *   <li>A named port matches only a destination pod with a container port of that name and
 *       protocol on the connection's port, in egress rules too; unknown ports match no name.
 * </ul>
 *
 * <p>Cluster-scoped policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
 * wrap this, per direction, as upstream orders the tiers: the admin tier first (policies by
 * ascending priority, equal priorities by kind and name, rules in order; the first matching rule
 * decides, Allow/Accept and Deny for good, Pass goes on to NetworkPolicy); then NetworkPolicy as
 * above when it isolates the pod; else the baseline tier (first matching rule); else allowed. With
 * no cluster-scoped policy every verdict is exactly NetworkPolicy's.
 *
 * <p>Built once per snapshot, it indexes policies by namespace and direction; a judgement then
 * looks only at the policies of the two pods' namespaces. Immutable and safe to share.
 */
public final class PolicyEngine {

  private final PolicySet policies;
  private final Map<String, List<NetworkPolicy>> ingressByNamespace;
  private final Map<String, List<NetworkPolicy>> egressByNamespace;
  private final ClusterPolicyEngine cluster;

  private PolicyEngine(PolicySet policies) {
    this.policies = policies;
    ClusterPolicyEngine clusterEngine = new ClusterPolicyEngine(policies);
    this.cluster = clusterEngine.isEmpty() ? null : clusterEngine;
    Map<String, List<NetworkPolicy>> ingress = new HashMap<>();
    Map<String, List<NetworkPolicy>> egress = new HashMap<>();
    for (NetworkPolicy policy : policies.policies()) {
      if (policy.isolates(PolicyType.Ingress)) {
        ingress.computeIfAbsent(policy.namespace(), n -> new ArrayList<>()).add(policy);
      }
      if (policy.isolates(PolicyType.Egress)) {
        egress.computeIfAbsent(policy.namespace(), n -> new ArrayList<>()).add(policy);
      }
    }
    ingress.replaceAll((n, list) -> List.copyOf(list));
    egress.replaceAll((n, list) -> List.copyOf(list));
    this.ingressByNamespace = Map.copyOf(ingress);
    this.egressByNamespace = Map.copyOf(egress);
  }

  public static PolicyEngine of(PolicySet policies) {
    return new PolicyEngine(policies);
  }

  public PolicySet policySet() {
    return policies;
  }

  /** The verdict on a connection from {@code from} to port {@code port} of {@code to}. */
  public PolicyVerdict evaluate(Peer from, Peer to, Protocol protocol, int port) {
    String traffic = protocol + "/" + port;
    DirectionVerdict egress = judge(PolicyType.Egress, from, to, to, protocol, port, traffic);
    DirectionVerdict ingress = judge(PolicyType.Ingress, to, from, to, protocol, port, traffic);
    return PolicyVerdict.of(egress, ingress);
  }

  /**
   * The verdict on a connection to a port given by its container port name on the destination pod.
   *
   * @throws IllegalArgumentException when the destination is no pod or has no such port
   */
  public PolicyVerdict evaluate(Peer from, Peer to, Protocol protocol, String portName) {
    return evaluate(from, to, protocol, resolvePort(to, protocol, portName));
  }

  /**
   * The number of the container port {@code portName} of {@code destination}.
   *
   * @throws IllegalArgumentException when the destination is no pod or has no such port for the protocol
   */
  public static int resolvePort(Peer destination, Protocol protocol, String portName) {
    if (!(destination instanceof PodInfo pod)) {
      throw new IllegalArgumentException("port \"" + portName + "\" is a name, but " + destination.display()
          + " is not a pod; give a number");
    }
    ContainerPort port = pod.namedPorts().get(portName);
    if (port == null) {
      throw new IllegalArgumentException(pod.display() + " has no container port named \"" + portName + "\""
          + (pod.namedPorts().isEmpty() ? " (it has no named ports)" : " (it has " + String.join(", ",
              pod.namedPorts().keySet().stream().sorted().toList()) + ")"));
    }
    if (port.protocol() != protocol) {
      throw new IllegalArgumentException("container port \"" + portName + "\" of " + pod.display() + " is "
          + port.protocol() + ", not " + protocol);
    }
    return port.port();
  }

  /** The policies that isolate {@code pod} for {@code type}, by namespace/name. */
  public List<NetworkPolicy> isolating(PodInfo pod, PolicyType type) {
    if (pod.hostNetwork()) {
      return List.of();
    }
    Map<String, List<NetworkPolicy>> index = type == PolicyType.Ingress ? ingressByNamespace : egressByNamespace;
    List<NetworkPolicy> candidates = index.getOrDefault(pod.namespace(), List.of());
    List<NetworkPolicy> selecting = new ArrayList<>(2);
    for (NetworkPolicy policy : candidates) {
      if (policy.podSelector().matches(pod.labels())) {
        selecting.add(policy);
      }
    }
    return selecting;
  }

  private DirectionVerdict judge(PolicyType type, Peer subject, Peer counterpart, Peer destination,
      Protocol protocol, int port, String traffic) {
    String where = type == PolicyType.Egress ? "egress from " : "ingress to ";
    if (!(subject instanceof PodInfo pod)) {
      return new DirectionVerdict(type, DirectionVerdict.Outcome.NOT_A_POD, List.of(), List.of(),
          where + subject.display() + ": not a pod of the cluster, no policy applies");
    }
    if (pod.hostNetwork()) {
      return new DirectionVerdict(type, DirectionVerdict.Outcome.HOST_NETWORK, List.of(), List.of(),
          where + pod.display() + ": host-network pod, no policy applies");
    }
    ClusterRuleRef passed = null;
    if (cluster != null) {
      ClusterRuleRef admin = cluster.decide(ClusterPolicyTier.Admin, type, pod, counterpart, destination, protocol, port);
      if (admin != null && admin.action() != ClusterRuleAction.Pass) {
        boolean allowed = admin.action().allows();
        return new DirectionVerdict(type, allowed ? DirectionVerdict.Outcome.ADMIN_ALLOWED : DirectionVerdict.Outcome.ADMIN_DENIED,
            List.of(admin.policy()), List.of(), where + pod.display() + (allowed ? " allowed by " : " denied by ") + admin
                + " for " + counterpart.display() + " on " + traffic, admin, null);
      }
      passed = admin;
    }
    String afterPass = passed == null ? "" : " (after the admin tier passed it: " + passed + ")";
    List<NetworkPolicy> selecting = isolating(pod, type);
    if (selecting.isEmpty()) {
      if (cluster != null) {
        ClusterRuleRef baseline = cluster.decide(ClusterPolicyTier.Baseline, type, pod, counterpart, destination, protocol, port);
        if (baseline != null && baseline.action() != ClusterRuleAction.Pass) {
          boolean allowed = baseline.action().allows();
          return new DirectionVerdict(type, allowed ? DirectionVerdict.Outcome.BASELINE_ALLOWED
              : DirectionVerdict.Outcome.BASELINE_DENIED, List.of(baseline.policy()), List.of(), where + pod.display()
              + (allowed ? " allowed by " : " denied by ") + baseline + " for " + counterpart.display() + " on "
              + traffic + ", as no NetworkPolicy selects it for " + type + afterPass, baseline, passed);
        }
      }
      String nothing = cluster == null ? "no policy selects it for " + type
          : "no NetworkPolicy selects it for " + type + " and no cluster-scoped rule matches";
      return new DirectionVerdict(type, DirectionVerdict.Outcome.NOT_ISOLATED, List.of(), List.of(),
          where + pod.display() + " allowed: " + nothing + afterPass, null, passed);
    }
    List<String> isolatingIds = new ArrayList<>(selecting.size());
    List<RuleRef> allowing = new ArrayList<>(1);
    for (NetworkPolicy policy : selecting) {
      isolatingIds.add(policy.id());
      List<PolicyRule> rules = policy.rules(type);
      for (int i = 0; i < rules.size(); i++) {
        if (allows(rules.get(i), policy.namespace(), counterpart, destination, protocol, port)) {
          allowing.add(new RuleRef(policy.id(), type, i));
        }
      }
    }
    if (allowing.isEmpty()) {
      return new DirectionVerdict(type, DirectionVerdict.Outcome.DENIED, isolatingIds, List.of(),
          where + pod.display() + " denied: isolated by " + String.join(", ", isolatingIds) + " and no "
              + type.fieldName() + " rule allows " + counterpart.display() + " on " + traffic + afterPass, null, passed);
    }
    StringBuilder rules = new StringBuilder();
    for (RuleRef ref : allowing) {
      rules.append(rules.length() == 0 ? "" : ", ").append(ref);
    }
    return new DirectionVerdict(type, DirectionVerdict.Outcome.ALLOWED, isolatingIds, allowing,
        where + pod.display() + " allowed by " + rules + afterPass, null, passed);
  }

  private boolean allows(PolicyRule rule, String policyNamespace, Peer counterpart, Peer destination,
      Protocol protocol, int port) {
    if (!rule.ports().isEmpty()) {
      boolean portMatches = false;
      for (PolicyPort policyPort : rule.ports()) {
        if (policyPort.matches(protocol, port, destination)) {
          portMatches = true;
          break;
        }
      }
      if (!portMatches) {
        return false;
      }
    }
    if (rule.peers().isEmpty()) {
      return true;
    }
    for (PolicyPeer peer : rule.peers()) {
      if (matches(peer, policyNamespace, counterpart)) {
        return true;
      }
    }
    return false;
  }

  private boolean matches(PolicyPeer peer, String policyNamespace, Peer counterpart) {
    if (peer instanceof PolicyPeer.IpBlock block) {
      return counterpart.ip() != null && block.matches(counterpart.ip());
    }
    PolicyPeer.Pods pods = (PolicyPeer.Pods) peer;
    if (!(counterpart instanceof PodInfo pod) || pod.hostNetwork()) {
      return false;
    }
    boolean namespaceMatches = pods.namespaceSelector() == null
        ? pod.namespace().equals(policyNamespace)
        : pods.namespaceSelector().matches(policies.namespaceLabels(pod.namespace()));
    return namespaceMatches && (pods.podSelector() == null || pods.podSelector().matches(pod.labels()));
  }
}
