package dev.flowtel.core.policy;

import java.util.List;

/**
 * What NetworkPolicy says about one direction of a connection: egress at the source pod, or
 * ingress at the destination pod.
 *
 * @param isolatingPolicies namespace/name of the policies that select the pod for this direction
 * @param allowingRules the rules that allow the connection; empty unless {@link Outcome#ALLOWED}
 * @param explanation one line for humans, naming the pod, the policies and the rules
 */
public record DirectionVerdict(PolicyType type, Outcome outcome, List<String> isolatingPolicies,
    List<RuleRef> allowingRules, String explanation) {

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
    DENIED
  }

  public DirectionVerdict {
    isolatingPolicies = List.copyOf(isolatingPolicies);
    allowingRules = List.copyOf(allowingRules);
  }

  public boolean allowed() {
    return outcome != Outcome.DENIED;
  }

  public boolean isolated() {
    return outcome == Outcome.ALLOWED || outcome == Outcome.DENIED;
  }

  /** The one-line explanation. */
  public String explain() {
    return explanation;
  }
}
