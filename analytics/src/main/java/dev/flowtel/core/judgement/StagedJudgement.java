package dev.flowtel.core.judgement;

/**
 * What one staged NetworkPolicy would do to one connection: its verdict with every staged policy
 * applied beside the policies in force, and the verdict of the policies in force alone.
 *
 * @param explanation the engine's explanation of a would-deny verdict, null when it would allow
 */
public record StagedJudgement(String policyNamespace, String policyName, boolean wouldAllow, boolean allowedInForce,
    String explanation) {

  /** {@code namespace/name}. */
  public String policyId() {
    return policyNamespace + "/" + policyName;
  }
}
