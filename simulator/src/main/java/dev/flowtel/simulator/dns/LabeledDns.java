package dev.flowtel.simulator.dns;

import dev.flowtel.schema.DnsTransaction;

/**
 * A DNS transaction with its flowtel.dns.v1 key (the client's namespace/workload, as the collector keys it) and,
 * when an episode produced it, its label (else null).
 */
public record LabeledDns(DnsTransaction transaction, String key, DnsEpisodeLabel label) {

  public boolean clean() {
    return label == null;
  }
}
