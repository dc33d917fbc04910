package dev.flowtel.core.policy;

import java.util.List;

/**
 * What policy says about one direction of a connection: egress at the source pod, or ingress at
 * the destination pod. The admin tier of cluster-scoped policies decides first, then NetworkPolicy,
 * then (for pods no NetworkPolicy isolates) the baseline tier.
 *
 * @param isolatingPolicies namespace/name of the NetworkPolicies that select the pod for this direction; for the
 *     ADMIN_ and BASELINE_ outcomes, the deciding cluster-scoped policy ({@code AdminNetworkPolicy/name})
 * @param allowingRules the rules that allow the connection; empty unless {@link Outcome#ALLOWED}
 * @param explanation one line for humans, naming the pod, the policies and the rules
 * @param decidedBy the cluster-scoped rule that decided (Allow, Accept or Deny), for the ADMIN_ and BASELINE_
 *     outcomes; null otherwise
 * @param passedBy the admin-tier Pass rule that sent the connection on to NetworkPolicy, or null
 */
public record DirectionVerdict(PolicyType type, Outcome outcome, List<String> isolatingPolicies,
    List<RuleRef> allowingRules, String explanation, ClusterRuleRef decidedBy, ClusterRuleRef passedBy) {

  /** Why the direction is allowed or denied. */
  public enum Outcome {
    /** The end is no pod of the cluster, so no policy applies to it. */
    NOT_A_POD,
    /** The pod uses the host network; NetworkPolicy does not apply to it. */
    HOST_NETWORK,
    /** No policy selects the pod for this direction, so everything is allowed. */
    NOT_ISOLATED,
    /** Policies isolate the pod and at least one of their rules allows the connection. */
    ALLOWED,
    /** Policies isolate the pod and none of their rules allows the connection. */
    DENIED,
    /** An admin-tier rule (AdminNetworkPolicy, ClusterNetworkPolicy tier Admin) allows it; NetworkPolicy is not consulted. */
    ADMIN_ALLOWED,
    /** An admin-tier rule denies it; NetworkPolicy is not consulted. */
    ADMIN_DENIED,
    /** No NetworkPolicy isolates the pod and a baseline-tier rule allows it. */
    BASELINE_ALLOWED,
    /** No NetworkPolicy isolates the pod and a baseline-tier rule denies it. */
    BASELINE_DENIED
  }

  public DirectionVerdict {
    isolatingPolicies = List.copyOf(isolatingPolicies);
    allowingRules = List.copyOf(allowingRules);
  }

  /** A NetworkPolicy-only verdict: no cluster-scoped rule decided or passed. */
  public DirectionVerdict(PolicyType type, Outcome outcome, List<String> isolatingPolicies,
      List<RuleRef> allowingRules, String explanation) {
    this(type, outcome, isolatingPolicies, allowingRules, explanation, null, null);
  }

  public boolean allowed() {
    return outcome != Outcome.DENIED && outcome != Outcome.ADMIN_DENIED && outcome != Outcome.BASELINE_DENIED;
  }

  /**
   * Whether some policy decided this direction rather than Kubernetes' default (allow): a
   * NetworkPolicy isolates the pod, or a cluster-scoped rule allowed or denied.
   */
  public boolean isolated() {
    return outcome != Outcome.NOT_A_POD && outcome != Outcome.HOST_NETWORK && outcome != Outcome.NOT_ISOLATED;
  }

  /** Which tier decided: {@code admin}, {@code network-policy}, {@code baseline}, or {@code none} (default allow). */
  public String decidingTier() {
    return switch (outcome) {
      case ADMIN_ALLOWED, ADMIN_DENIED -> "admin";
      case ALLOWED, DENIED -> "network-policy";
      case BASELINE_ALLOWED, BASELINE_DENIED -> "baseline";
      case NOT_A_POD, HOST_NETWORK, NOT_ISOLATED -> "none";
    };
  }

  /** The one-line explanation. */
  public String explain() {
    return explanation;
  }
}
