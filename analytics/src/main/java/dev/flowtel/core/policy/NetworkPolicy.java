package dev.flowtel.core.policy;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A networking.k8s.io/v1 NetworkPolicy after defaulting: the pods it selects in its namespace,
 * the directions it isolates them in, and its allow rules.
 *
 * @param policyTypes the directions in which selected pods are isolated, after Kubernetes' defaulting
 */
public record NetworkPolicy(String namespace, String name, LabelSelector podSelector, Set<PolicyType> policyTypes,
    List<PolicyRule> ingress, List<PolicyRule> egress) {

  public NetworkPolicy {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(podSelector, "podSelector");
    policyTypes = policyTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(policyTypes));
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /**
   * A policy as written, with {@code policyTypes} defaulted the way the API server does it: when
   * null or empty, Ingress always, plus Egress when there is at least one egress rule. So
   * {@code egress: []} alone does not isolate egress, while {@code policyTypes: [Egress]} with no
   * egress rules denies all egress.
   *
   * @param policyTypes as written; null when absent
   */
  public static NetworkPolicy of(String namespace, String name, LabelSelector podSelector,
      Collection<PolicyType> policyTypes, List<PolicyRule> ingress, List<PolicyRule> egress) {
    Set<PolicyType> types;
    if (policyTypes == null || policyTypes.isEmpty()) {
      types = egress.isEmpty() ? Set.of(PolicyType.Ingress) : Set.of(PolicyType.Ingress, PolicyType.Egress);
    } else {
      types = Set.copyOf(policyTypes);
    }
    return new NetworkPolicy(namespace, name, podSelector, types, ingress, egress);
  }

  /** {@code namespace/name}. */
  public String id() {
    return namespace + "/" + name;
  }

  public boolean isolates(PolicyType type) {
    return policyTypes.contains(type);
  }

  /**
   * The rules of one direction. Rules of a direction the policy does not isolate are ignored, as
   * the API server documents: they would allow what is already allowed.
   */
  public List<PolicyRule> rules(PolicyType type) {
    return type == PolicyType.Ingress ? ingress : egress;
  }
}
