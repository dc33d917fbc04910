package dev.flowtel.core.judgement;

/**
 * What the NetworkPolicies in force said about one request flow.
 *
 * @param recentlyAllowed denied now, but the policies in force at some point within the policy
 *     change grace allowed it: the denial is the effect of a recent change
 * @param explanation the policy engine's one-line explanation, null when {@link Outcome#UNKNOWN}
 */
public record PolicyJudgement(Outcome outcome, boolean recentlyAllowed, String explanation) {

  /** The verdict. */
  public enum Outcome {
    ALLOWED,
    DENIED,
    /** Not judged: a reply, ICMP, or no cluster state has arrived yet. */
    UNKNOWN
  }

  public static final PolicyJudgement UNKNOWN = new PolicyJudgement(Outcome.UNKNOWN, false, null);

  public boolean denied() {
    return outcome == Outcome.DENIED;
  }
}
