package dev.flowtel.simulator.dns;

import dev.flowtel.schema.AnomalyType;

/**
 * The DNS anomalies the simulator can inject into its DNS transactions, each with the finding a DNS detector should
 * raise. Kept apart from the flow episodes' {@link dev.flowtel.simulator.episode.EpisodeType}: they produce DNS
 * transactions, not flows, and flow-only consumers score every flow episode type.
 */
public enum DnsEpisodeType {
  /** One pod looks up generated (DGA-like) domains, one after another: a burst of NXDOMAIN answers for many names. */
  NXDOMAIN_SPIKE(AnomalyType.NXDOMAIN_SPIKE),
  /** One pod carries data in the labels of many unique, long, high-entropy names under one parent domain. */
  DNS_TUNNEL(AnomalyType.DNS_TUNNEL);

  private final AnomalyType expectedFinding;

  DnsEpisodeType(AnomalyType expectedFinding) {
    this.expectedFinding = expectedFinding;
  }

  public AnomalyType expectedFinding() {
    return expectedFinding;
  }
}
