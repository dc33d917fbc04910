package dev.flowtel.core.policy.history;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.ServiceTraffic;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One service edge as observed over a period, summed over its windows: the evidence a recommended
 * rule cites and what a proposed policy change is replayed against.
 *
 * @param connectionsOpened connections that completed a handshake (TCP) or flows that got an answer
 * @param failedAttempts connection attempts that never got an answer (refused, dropped, timed out)
 * @param externalAddresses the remote addresses of an edge to an external network class when the
 *     source knew them (the flows topic does, service-traffic aggregates do not): empty otherwise
 */
public record ObservedEdge(ServiceEdge edge, long flows, long bytes, long connectionsOpened, long failedAttempts,
    long drops, Instant firstSeen, Instant lastSeen, Set<IpAddress> externalAddresses) {

  public ObservedEdge {
    Objects.requireNonNull(edge, "edge");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    externalAddresses = Set.copyOf(externalAddresses);
  }

  /**
   * Whether any traffic on the edge got through: a rule is recommended only for these, so that a
   * scan's refused probes never become an allowed port.
   */
  public boolean established() {
    return connectionsOpened > 0 || flows > failedAttempts + drops;
  }

  /** One traffic window's edge as observed over the window; aggregates carry no external addresses. */
  public static ObservedEdge of(ServiceTraffic window) {
    ServiceEdge edge = new ServiceEdge(EdgeEnd.fromAvro(window.getSource()), EdgeEnd.fromAvro(window.getDestination()),
        window.getPortsFolded() ? ServiceEdge.ANY_PORT : window.getDestinationPort(), window.getProtocol());
    return new ObservedEdge(edge, window.getFlows(), window.getBytesToDestination() + window.getBytesToSource(),
        window.getConnectionsOpened(), window.getFailedAttempts(), window.getDrops(), window.getWindowStart(),
        window.getWindowEnd(), Set.of());
  }

  /** Both observations of the same edge as one. */
  public ObservedEdge plus(ObservedEdge other) {
    if (!edge.equals(other.edge)) {
      throw new IllegalArgumentException("cannot add " + other.edge.key() + " to " + edge.key());
    }
    Set<IpAddress> addresses = new HashSet<>(externalAddresses);
    addresses.addAll(other.externalAddresses);
    return new ObservedEdge(edge, flows + other.flows, bytes + other.bytes, connectionsOpened + other.connectionsOpened,
        failedAttempts + other.failedAttempts, drops + other.drops,
        firstSeen.isBefore(other.firstSeen) ? firstSeen : other.firstSeen,
        lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen, addresses);
  }
}
