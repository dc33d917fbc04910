package dev.flowtel.core.policy.history;

import dev.flowtel.core.edge.EdgeEnd;
import java.time.Instant;
import java.util.Objects;

/**
 * An anomaly as history needs it: what it was, who it involved and when it was open. Traffic seen
 * only while an anomaly involving its source was open is attack traffic until shown otherwise, so
 * it is never written into a recommended policy.
 *
 * @param type the anomaly type's name (PORT_SCAN, POLICY_VIOLATION, EXTERNAL_EGRESS, ...)
 * @param source the workload or class the anomaly is about (the scanner, the violator); never null
 * @param destination the other end when the anomaly names one, else null (a scan or sweep has many)
 * @param destinationPort the port when the anomaly names one, else null
 */
public record AnomalySpan(String id, String type, EdgeEnd source, EdgeEnd destination, Integer destinationPort,
    Instant firstSeen, Instant lastSeen) {

  public AnomalySpan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  /**
   * Whether the edge's whole observed life lies inside this anomaly, with {@code margin} either side
   * (an anomaly's first and last seen are window bounds, not packet times).
   */
  public boolean covers(ObservedEdge observed, java.time.Duration margin) {
    if (!source.equals(observed.edge().source())) {
      return false;
    }
    if (destination != null && !destination.equals(observed.edge().destination())) {
      return false;
    }
    if (destinationPort != null && destinationPort != observed.edge().destinationPort()) {
      return false;
    }
    return !observed.firstSeen().isBefore(firstSeen.minus(margin)) && !observed.lastSeen().isAfter(lastSeen.plus(margin));
  }
}
