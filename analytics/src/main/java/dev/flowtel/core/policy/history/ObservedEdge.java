package dev.flowtel.core.policy.history;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.ServiceTraffic;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
 * @param externalDomains for those of {@code externalAddresses} that the flows named (the collector's
 *     {@code domain} of the outside end: a name the node saw resolved to the address), the name; one per
 *     address, so it is bounded as the addresses are, and entries for other addresses are dropped
 */
public record ObservedEdge(ServiceEdge edge, long flows, long bytes, long connectionsOpened, long failedAttempts,
    long drops, Instant firstSeen, Instant lastSeen, Set<IpAddress> externalAddresses,
    Map<IpAddress, String> externalDomains) {

  public ObservedEdge {
    Objects.requireNonNull(edge, "edge");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    externalAddresses = Set.copyOf(externalAddresses);
    Map<IpAddress, String> named = new HashMap<>();
    for (Map.Entry<IpAddress, String> e : externalDomains.entrySet()) {
      // A name only means something beside an address the edge kept; a blank name is no name.
      if (externalAddresses.contains(e.getKey()) && e.getValue() != null && !e.getValue().isBlank()) {
        named.put(e.getKey(), e.getValue());
      }
    }
    externalDomains = Map.copyOf(named);
  }

  /** An edge whose flows named none of its external addresses (or that has none). */
  public ObservedEdge(ServiceEdge edge, long flows, long bytes, long connectionsOpened, long failedAttempts, long drops,
      Instant firstSeen, Instant lastSeen, Set<IpAddress> externalAddresses) {
    this(edge, flows, bytes, connectionsOpened, failedAttempts, drops, firstSeen, lastSeen, externalAddresses, Map.of());
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
    // This observation's name for an address wins over the other's: one name per address keeps the evidence short.
    Map<IpAddress, String> domains = new HashMap<>(other.externalDomains);
    domains.putAll(externalDomains);
    return new ObservedEdge(edge, flows + other.flows, bytes + other.bytes, connectionsOpened + other.connectionsOpened,
        failedAttempts + other.failedAttempts, drops + other.drops,
        firstSeen.isBefore(other.firstSeen) ? firstSeen : other.firstSeen,
        lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen, addresses, domains);
  }
}
