package dev.flowtel.simulator.episode;

import java.time.Instant;

/**
 * What really happened in one injected episode, to score detectors against. Every flow and
 * cluster-state record an episode produces is delivered with its label.
 *
 * @param id deterministic, e.g. "ep-03-port-scan"
 * @param sourceWorkload namespace/workload that originates the traffic; null for POLICY_CHANGE
 * @param destination what is targeted: namespace/service:port, namespace/pod address, an external
 *     address, a CIDR, or the policy's server workload
 */
public record GroundTruthLabel(String id, EpisodeType type, Instant start, Instant end, String sourceWorkload,
    String destination, String description) {

  public boolean covers(Instant time) {
    return !time.isBefore(start) && time.isBefore(end);
  }
}
