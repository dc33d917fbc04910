package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.policy.PolicyType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Why one recommended rule exists: the traffic it was written for, summed over the observed edges
 * it allows.
 *
 * @param policy namespace/name of the recommended policy
 * @param rule the rule's index in the policy's {@code ingress} or {@code egress} list
 * @param firstSeen null when the rule was added without traffic (see {@code note})
 * @param lastSeen null when the rule was added without traffic
 * @param samplePeers up to {@value #SAMPLE_PEERS} of the peers seen (edge ends as namespace/kind/name, or addresses)
 * @param note why the rule exists when no traffic explains it, or how it is broader than the traffic; null otherwise
 */
public record RuleEvidence(String policy, PolicyType direction, int rule, long flows, long bytes, Instant firstSeen,
    Instant lastSeen, List<String> samplePeers, String note) {

  public static final int SAMPLE_PEERS = 5;

  public RuleEvidence {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(direction, "direction");
    samplePeers = List.copyOf(samplePeers);
  }
}
