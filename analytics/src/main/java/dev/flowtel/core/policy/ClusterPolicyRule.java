package dev.flowtel.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * One rule of a cluster-scoped policy: when the counterpart matches any of {@code peers} and the
 * traffic any of {@code ports}, {@code action} decides.
 *
 * @param name the rule's name as written; empty when it has none
 * @param ports empty when the rule names none: every port and protocol
 */
public record ClusterPolicyRule(String name, ClusterRuleAction action, List<ClusterPeer> peers, List<ClusterPort> ports) {

  public ClusterPolicyRule {
    name = name == null ? "" : name;
    Objects.requireNonNull(action, "action");
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }

  public static ClusterPolicyRule of(String name, ClusterRuleAction action, List<ClusterPeer> peers, ClusterPort... ports) {
    return new ClusterPolicyRule(name, action, peers, List.of(ports));
  }
}
