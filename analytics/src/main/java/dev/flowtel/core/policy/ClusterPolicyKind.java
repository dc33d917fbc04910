package dev.flowtel.core.policy;

/** The Kubernetes kinds of cluster-scoped network policy, all read into {@link ClusterPolicy}. */
public enum ClusterPolicyKind {
  /** {@code policy.networking.k8s.io/v1alpha1}: admin tier, priority 0-1000, Allow/Deny/Pass. */
  AdminNetworkPolicy,
  /** {@code policy.networking.k8s.io/v1alpha1}: baseline tier, a singleton named {@code default}, Allow/Deny. */
  BaselineAdminNetworkPolicy,
  /** {@code policy.networking.k8s.io/v1alpha2}: tier Admin or Baseline, priority 0-1000, Accept/Deny/Pass. */
  ClusterNetworkPolicy
}
