package dev.flowtel.core.policy;

/**
 * Where a cluster-scoped policy sits in the order of evaluation: the admin tier before
 * NetworkPolicy, the baseline tier after it (only for pods no NetworkPolicy isolates).
 */
public enum ClusterPolicyTier {
  Admin,
  Baseline
}
