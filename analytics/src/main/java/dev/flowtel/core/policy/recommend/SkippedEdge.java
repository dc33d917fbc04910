package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.policy.history.ObservedEdge;
import java.util.Objects;

/**
 * An observed edge that no recommended rule allows, and why: the report lists these so that a
 * reader knows what the policies will deny and can decide for themselves.
 *
 * @param detail one line naming what was missing or which anomaly covered the edge
 */
public record SkippedEdge(ObservedEdge observed, Reason reason, String detail) {

  public SkippedEdge {
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** Why an edge got no rule. */
  public enum Reason {
    /** No connection on it ever got through (refused, dropped, unanswered): a rule would only open a probe's target. */
    NOT_ESTABLISHED,
    /** Its whole life lies inside an anomaly of its source: attack traffic until someone says otherwise. */
    DURING_ANOMALY,
    /** An end is a workload or Service the inventory does not know: its labels would be guessed. */
    UNKNOWN_END,
    /** NetworkPolicy cannot say it: ICMP, a node or external end without addresses, folded failed attempts. */
    NOT_EXPRESSIBLE
  }
}
