package dev.flowtel.simulator.dns;

import java.time.Instant;

/**
 * What really happened in one injected DNS episode, to score the DNS detectors against; every transaction the
 * episode produces is delivered with it.
 *
 * @param id deterministic, e.g. "dns-03-dns-tunnel"
 * @param clientWorkload namespace/workload of the querying pod
 * @param clientKey the key DNS detection groups by ({@code DnsQuery.clientKey()}: namespace/kind/name)
 * @param parentDomain the domain the tunnel's names lie under; null for NXDOMAIN_SPIKE (every name differs)
 */
public record DnsEpisodeLabel(String id, DnsEpisodeType type, Instant start, Instant end, String clientWorkload,
    String clientKey, String parentDomain, String description) {

  public boolean covers(Instant time) {
    return !time.isBefore(start) && time.isBefore(end);
  }
}
