package dev.flowtel.core.policy;

/**
 * What a matching rule does. Allow (v1alpha1) and Accept (v1alpha2) are the same decision, kept
 * apart so that explanations use the word the policy was written with.
 */
public enum ClusterRuleAction {
  /** The connection is allowed; no later rule, policy or NetworkPolicy is consulted for this direction. */
  Allow,
  /** v1alpha2's spelling of {@link #Allow}. */
  Accept,
  /** The connection is denied; nothing later is consulted. */
  Deny,
  /** The rest of this tier is skipped; evaluation goes on with the next tier. */
  Pass;

  public boolean allows() {
    return this == Allow || this == Accept;
  }
}
