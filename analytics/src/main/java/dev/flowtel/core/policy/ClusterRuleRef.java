package dev.flowtel.core.policy;

/**
 * The rule of a cluster-scoped policy that decided one direction of a connection:
 * {@code AdminNetworkPolicy/ingress-tcp ingress[5] "allow-from-hufflepuff-at-port-80" (Allow, admin tier, priority 3)}.
 *
 * @param policy the policy's {@link ClusterPolicy#id() id}
 * @param ruleName empty when the rule has no name
 */
public record ClusterRuleRef(ClusterPolicyTier tier, String policy, int priority, PolicyType type, int index,
    String ruleName, ClusterRuleAction action) {

  @Override
  public String toString() {
    return policy + " " + type.fieldName() + "[" + index + "]" + (ruleName.isEmpty() ? "" : " \"" + ruleName + "\"")
        + " (" + action + ", " + tier.name().toLowerCase(java.util.Locale.ROOT) + " tier"
        // The BaselineAdminNetworkPolicy has no priority; the 0 it counts as would only mislead.
        + (policy.startsWith(ClusterPolicyKind.BaselineAdminNetworkPolicy + "/") ? "" : ", priority " + priority) + ")";
  }
}
