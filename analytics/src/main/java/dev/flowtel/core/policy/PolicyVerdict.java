package dev.flowtel.core.policy;

/**
 * Whether NetworkPolicy allows one connection, and why: a connection is allowed only when the
 * source pod's egress and the destination pod's ingress both allow it.
 */
public record PolicyVerdict(boolean allowed, DirectionVerdict egress, DirectionVerdict ingress) {

  public static PolicyVerdict of(DirectionVerdict egress, DirectionVerdict ingress) {
    return new PolicyVerdict(egress.allowed() && ingress.allowed(), egress, ingress);
  }

  /** One line: the verdict, then the egress and the ingress explanation. */
  public String explain() {
    String verdict = allowed ? "allowed" : !egress.allowed() && !ingress.allowed() ? "denied at egress and ingress"
        : !egress.allowed() ? "denied at egress" : "denied at ingress";
    return verdict + ": " + egress.explain() + "; " + ingress.explain();
  }
}
