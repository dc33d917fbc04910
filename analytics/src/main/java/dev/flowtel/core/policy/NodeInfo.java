package dev.flowtel.core.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node as cluster-scoped policies see it: its labels, which {@code nodes} egress peers select,
 * and its addresses ({@code status.addresses} InternalIP and ExternalIP), by which a connection's
 * end is recognised as that node (a host-network pod carries its node's address).
 */
public record NodeInfo(String name, Map<String, String> labels, List<IpAddress> addresses) {

  public NodeInfo {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    addresses = List.copyOf(addresses);
  }

  public static NodeInfo of(String name, Map<String, String> labels, String... addresses) {
    return new NodeInfo(name, labels, List.of(addresses).stream().map(IpAddress::parse).toList());
  }
}
