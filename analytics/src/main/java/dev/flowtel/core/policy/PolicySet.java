package dev.flowtel.core.policy;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of what policy evaluation needs from a cluster: namespaces (for their labels),
 * NetworkPolicies, and the cluster-scoped policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy) with the nodes their {@code nodes} peers select, and the staged
 * NetworkPolicies, which the engine of this set never reads ({@link #withStagedInForce}). Immutable; the {@code with...} methods return a changed copy, which suits a
 * stream that applies one ClusterState record at a time (policies change rarely).
 */
public final class PolicySet {

  private static final PolicySet EMPTY = new PolicySet(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

  private final Map<String, NamespaceInfo> namespaces;
  private final Map<String, NetworkPolicy> policies;
  private final Map<String, ClusterPolicy> clusterPolicies;
  private final Map<String, NodeInfo> nodes;
  private final Map<String, NetworkPolicy> staged;

  private PolicySet(Map<String, NamespaceInfo> namespaces, Map<String, NetworkPolicy> policies) {
    this(namespaces, policies, Map.of(), Map.of(), Map.of());
  }

  private PolicySet(Map<String, NamespaceInfo> namespaces, Map<String, NetworkPolicy> policies,
      Map<String, ClusterPolicy> clusterPolicies, Map<String, NodeInfo> nodes, Map<String, NetworkPolicy> staged) {
    this.namespaces = namespaces;
    this.policies = policies;
    this.clusterPolicies = clusterPolicies;
    this.nodes = nodes;
    this.staged = staged;
  }

  public static PolicySet empty() {
    return EMPTY;
  }

  /** A snapshot of these namespaces and policies; a later object of the same name replaces an earlier one. */
  public static PolicySet of(Collection<NamespaceInfo> namespaces, Collection<NetworkPolicy> policies) {
    Map<String, NamespaceInfo> byName = new TreeMap<>();
    namespaces.forEach(n -> byName.put(n.name(), n));
    Map<String, NetworkPolicy> byId = new TreeMap<>();
    policies.forEach(p -> byId.put(p.id(), p));
    return new PolicySet(Map.copyOf(byName), Map.copyOf(byId));
  }

  public PolicySet withNamespace(NamespaceInfo namespace) {
    Map<String, NamespaceInfo> changed = new TreeMap<>(namespaces);
    changed.put(namespace.name(), namespace);
    return new PolicySet(Map.copyOf(changed), policies, clusterPolicies, nodes, staged);
  }

  public PolicySet withoutNamespace(String name) {
    Map<String, NamespaceInfo> changed = new TreeMap<>(namespaces);
    changed.remove(name);
    return new PolicySet(Map.copyOf(changed), policies, clusterPolicies, nodes, staged);
  }

  public PolicySet withPolicy(NetworkPolicy policy) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(policies);
    changed.put(policy.id(), policy);
    return new PolicySet(namespaces, Map.copyOf(changed), clusterPolicies, nodes, staged);
  }

  public PolicySet withoutPolicy(String namespace, String name) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(policies);
    changed.remove(namespace + "/" + name);
    return new PolicySet(namespaces, Map.copyOf(changed), clusterPolicies, nodes, staged);
  }

  /** A snapshot with these cluster-scoped policies and nodes as well; the same name replaces an earlier one. */
  public static PolicySet of(Collection<NamespaceInfo> namespaces, Collection<NetworkPolicy> policies,
      Collection<ClusterPolicy> clusterPolicies, Collection<NodeInfo> nodes) {
    return of(namespaces, policies).withClusterPolicies(clusterPolicies).withNodes(nodes);
  }

  /** This snapshot with these cluster-scoped policies added (a policy of the same kind and name is replaced). */
  public PolicySet withClusterPolicies(Collection<ClusterPolicy> added) {
    Map<String, ClusterPolicy> changed = new TreeMap<>(clusterPolicies);
    added.forEach(p -> changed.put(p.id(), p));
    return new PolicySet(namespaces, policies, Map.copyOf(changed), nodes, staged);
  }

  public PolicySet withClusterPolicy(ClusterPolicy policy) {
    return withClusterPolicies(List.of(policy));
  }

  public PolicySet withoutClusterPolicy(ClusterPolicyKind kind, String name) {
    Map<String, ClusterPolicy> changed = new TreeMap<>(clusterPolicies);
    changed.remove(kind + "/" + name);
    return new PolicySet(namespaces, policies, Map.copyOf(changed), nodes, staged);
  }

  /** This snapshot with these nodes added (a node of the same name is replaced). */
  public PolicySet withNodes(Collection<NodeInfo> added) {
    Map<String, NodeInfo> changed = new TreeMap<>(nodes);
    added.forEach(n -> changed.put(n.name(), n));
    return new PolicySet(namespaces, policies, clusterPolicies, Map.copyOf(changed), staged);
  }

  public PolicySet withNode(NodeInfo node) {
    return withNodes(List.of(node));
  }

  public PolicySet withoutNode(String name) {
    Map<String, NodeInfo> changed = new TreeMap<>(nodes);
    changed.remove(name);
    return new PolicySet(namespaces, policies, clusterPolicies, Map.copyOf(changed), staged);
  }

  /** This snapshot with {@code policy} staged: evaluated in shadow, never by this set's engine. */
  public PolicySet withStagedPolicy(NetworkPolicy policy) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(staged);
    changed.put(policy.id(), policy);
    return new PolicySet(namespaces, policies, clusterPolicies, nodes, Map.copyOf(changed));
  }

  public PolicySet withoutStagedPolicy(String namespace, String name) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(staged);
    changed.remove(namespace + "/" + name);
    return new PolicySet(namespaces, policies, clusterPolicies, nodes, Map.copyOf(changed));
  }

  /** Staged policies ordered by namespace/name. */
  public List<NetworkPolicy> stagedPolicies() {
    return staged.values().stream().sorted(Comparator.comparing(NetworkPolicy::id)).toList();
  }

  /**
   * The set as it would be with every staged policy applied: a staged policy is added, or replaces
   * the policy in force of its namespace and name, as {@code kubectl apply} of the staged manifests would.
   */
  public PolicySet withStagedInForce() {
    if (staged.isEmpty()) {
      return this;
    }
    Map<String, NetworkPolicy> changed = new TreeMap<>(policies);
    changed.putAll(staged);
    return new PolicySet(namespaces, Map.copyOf(changed), clusterPolicies, nodes, Map.of());
  }

  /**
   * The labels of a namespace. A namespace this snapshot has not seen still carries
   * {@value NamespaceInfo#NAME_LABEL}, which the API server sets on every namespace.
   */
  public Map<String, String> namespaceLabels(String name) {
    NamespaceInfo known = namespaces.get(name);
    return known != null ? known.labels() : NamespaceInfo.named(name).labels();
  }

  /** Namespaces by name. */
  public List<NamespaceInfo> namespaces() {
    return namespaces.values().stream().sorted(Comparator.comparing(NamespaceInfo::name)).toList();
  }

  /** Policies ordered by namespace/name. */
  public List<NetworkPolicy> policies() {
    return policies.values().stream().sorted(Comparator.comparing(NetworkPolicy::id)).toList();
  }

  /** Cluster-scoped policies ordered by kind/name (not by evaluation order; see {@link ClusterPolicy#EVALUATION_ORDER}). */
  public List<ClusterPolicy> clusterPolicies() {
    return clusterPolicies.values().stream().sorted(Comparator.comparing(ClusterPolicy::id)).toList();
  }

  /** Nodes by name. */
  public List<NodeInfo> nodes() {
    return nodes.values().stream().sorted(Comparator.comparing(NodeInfo::name)).toList();
  }
}
