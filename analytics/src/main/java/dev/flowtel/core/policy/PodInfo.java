package dev.flowtel.core.policy;

import java.util.Map;
import java.util.Objects;

/**
 * A pod as policies see it.
 *
 * @param name the pod name, or null when only the workload is known (flows)
 * @param ip the pod IP, or null when not yet assigned
 * @param namedPorts container ports that have a name, by name; empty when unknown (flows carry none)
 * @param hostNetwork a pod in the node's network namespace: NetworkPolicy neither isolates it nor
 *     matches it with selectors (its traffic carries the node's address); ipBlocks can match its IP
 */
public record PodInfo(String namespace, String name, Map<String, String> labels, IpAddress ip,
    Map<String, ContainerPort> namedPorts, boolean hostNetwork) implements Peer {

  public PodInfo {
    Objects.requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    namedPorts = Map.copyOf(namedPorts);
  }

  /** A pod with labels and an address, no named ports, on the pod network. */
  public static PodInfo of(String namespace, String name, Map<String, String> labels, String ip) {
    return new PodInfo(namespace, name, labels, ip == null ? null : IpAddress.parse(ip), Map.of(), false);
  }

  public PodInfo withNamedPorts(Map<String, ContainerPort> ports) {
    return new PodInfo(namespace, name, labels, ip, ports, hostNetwork);
  }

  @Override
  public String display() {
    return namespace + "/" + (name == null ? "?" : name);
  }
}
