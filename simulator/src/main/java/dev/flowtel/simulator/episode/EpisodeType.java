package dev.flowtel.simulator.episode;

import dev.flowtel.schema.AnomalyType;

/** The kinds of anomaly the simulator can inject, each with the detector finding it should cause. */
public enum EpisodeType {
  /** One pod probes many ports of one other pod: SYN-only requests, mostly RST replies. */
  PORT_SCAN(AnomalyType.PORT_SCAN),
  /** One pod probes one port on many pod-CIDR addresses, most of them unanswered. */
  IP_SWEEP(AnomalyType.IP_SWEEP),
  /** A workload sends tens of MB/s over one of its usual edges, exfiltration-like. */
  VOLUME_BURST(AnomalyType.VOLUME_ANOMALY),
  /** A workload starts calling a service it never called, where no policy forbids it. */
  NEW_EDGE(AnomalyType.NEW_EDGE),
  /** Traffic that the NetworkPolicies deny is observed FORWARDED (enforcement gap). */
  POLICY_VIOLATION(AnomalyType.POLICY_VIOLATION),
  /** Many DROPPED connection attempts to a destination the policies deny. */
  DENIED_SPIKE(AnomalyType.DENIED_SPIKE),
  /** A workload reaches a public address it never used before. */
  EXTERNAL_EGRESS(AnomalyType.EXTERNAL_EGRESS),
  /**
   * A server's allow-ingress NetworkPolicy is deleted (tombstone) at the start and restored at the
   * end; in between, new connections to it are DROPPED.
   */
  POLICY_CHANGE(null);

  private final AnomalyType expectedFinding;

  EpisodeType(AnomalyType expectedFinding) {
    this.expectedFinding = expectedFinding;
  }

  /** The PolicyAnomaly type a detector should report, or null when the episode is a state change rather than an anomaly. */
  public AnomalyType expectedFinding() {
    return expectedFinding;
  }
}
