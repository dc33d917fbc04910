package dev.flowtel.simulator.cluster;

import dev.flowtel.core.policy.ContainerPort;
import java.util.List;
import java.util.Map;

/** A Deployment, StatefulSet or DaemonSet; its pods all carry {@code labels}. */
public record Workload(String namespace, String name, WorkloadKind kind, Role role, Map<String, String> labels,
    List<ContainerPort> ports) {

  /** namespace/name, as ground-truth labels and edge keys name workloads. */
  public String id() {
    return namespace + "/" + name;
  }

  /** The label its Services and NetworkPolicies select it by. */
  public Map.Entry<String, String> selectorLabel() {
    return role == Role.DNS ? Map.entry("k8s-app", "kube-dns") : Map.entry("app", name);
  }

  public ContainerPort port(String portName) {
    return ports.stream().filter(p -> p.name().equals(portName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(id() + " has no container port named " + portName));
  }
}
