package dev.flowtel.core.policy;

import java.util.List;

/**
 * One ingress or egress rule: traffic with any of {@code peers} on any of {@code ports}. An empty
 * (or absent) {@code peers} list means every peer, in or out of the cluster; an empty (or absent)
 * {@code ports} list means every port and protocol.
 */
public record PolicyRule(List<PolicyPeer> peers, List<PolicyPort> ports) {

  /** {@code {}}: allows all traffic in its direction. */
  public static final PolicyRule ALLOW_ALL = new PolicyRule(List.of(), List.of());

  public PolicyRule {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }

  public static PolicyRule peers(PolicyPeer... peers) {
    return new PolicyRule(List.of(peers), List.of());
  }

  public static PolicyRule ports(PolicyPort... ports) {
    return new PolicyRule(List.of(), List.of(ports));
  }

  public PolicyRule withPorts(PolicyPort... more) {
    return new PolicyRule(peers, List.of(more));
  }
}
