package dev.flowtel.core.policy.whatif;

import dev.flowtel.core.policy.RuleRef;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a proposed policy set changes for one edge: a source workload calling a destination
 * workload on one port and protocol, with the traffic observed on it.
 *
 * @param source namespace/kind/name of the source workload, or the edge end's key when it is no
 *     workload (an external class, a node)
 * @param destination namespace/kind/name of the destination workload (a Service's traffic is
 *     credited to each workload it selects, as it is unknown which pod served which connection),
 *     or the edge end's key
 * @param port the destination port; {@code -1} for an edge of failed attempts on many ports, judged
 *     as a port no rule names
 * @param protocol IANA number
 * @param decidingRules the proposed set's rules that allow it (egress and ingress); empty when denied
 * @param denyingPolicies the proposed set's policies that isolate it without allowing it; empty when allowed
 * @param explanation the proposed verdict in one line, or why it cannot be judged
 */
public record EdgeChange(String source, String destination, int port, int protocol, Change change, long flows, long bytes,
    Instant lastSeen, List<RuleRef> decidingRules, List<String> denyingPolicies, String explanation) {

  public EdgeChange {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(change, "change");
    decidingRules = List.copyOf(decidingRules);
    denyingPolicies = List.copyOf(denyingPolicies);
  }

  /** How the verdict moves from the policies in force to the proposed ones. */
  public enum Change {
    /** Allowed today, denied by the proposal: what a change breaks. */
    NEWLY_DENIED,
    /** Denied today, allowed by the proposal. */
    NEWLY_ALLOWED,
    STILL_ALLOWED,
    STILL_DENIED,
    /**
     * An end is not in the inventory, or is an address nobody recorded while an ipBlock decides:
     * no verdict can be given without guessing.
     */
    UNDETERMINED;

    static Change of(boolean allowedNow, boolean allowedProposed) {
      if (allowedNow) {
        return allowedProposed ? STILL_ALLOWED : NEWLY_DENIED;
      }
      return allowedProposed ? NEWLY_ALLOWED : STILL_DENIED;
    }
  }

  /** Whether the proposed set denies it. */
  public boolean deniedByProposal() {
    return change == Change.NEWLY_DENIED || change == Change.STILL_DENIED;
  }
}
