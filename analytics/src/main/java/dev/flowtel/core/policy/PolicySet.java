package dev.flowtel.core.policy;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of what NetworkPolicy evaluation needs from a cluster: namespaces (for their labels)
 * and policies. Immutable; the {@code with...} methods return a changed copy, which suits a
 * stream that applies one ClusterState record at a time (policies change rarely).
 */
public final class PolicySet {

  private static final PolicySet EMPTY = new PolicySet(Map.of(), Map.of());

  private final Map<String, NamespaceInfo> namespaces;
  private final Map<String, NetworkPolicy> policies;

  private PolicySet(Map<String, NamespaceInfo> namespaces, Map<String, NetworkPolicy> policies) {
    this.namespaces = namespaces;
    this.policies = policies;
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
    return new PolicySet(Map.copyOf(changed), policies);
  }

  public PolicySet withoutNamespace(String name) {
    Map<String, NamespaceInfo> changed = new TreeMap<>(namespaces);
    changed.remove(name);
    return new PolicySet(Map.copyOf(changed), policies);
  }

  public PolicySet withPolicy(NetworkPolicy policy) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(policies);
    changed.put(policy.id(), policy);
    return new PolicySet(namespaces, Map.copyOf(changed));
  }

  public PolicySet withoutPolicy(String namespace, String name) {
    Map<String, NetworkPolicy> changed = new TreeMap<>(policies);
    changed.remove(namespace + "/" + name);
    return new PolicySet(namespaces, Map.copyOf(changed));
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
}
