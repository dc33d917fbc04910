package dev.flowtel.core.policy.history;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Deployment, StatefulSet, DaemonSet, CronJob, Job or bare Pod as a policy needs it: the
 * selector its own controller uses (the stable labels a recommended policy selects it by), the
 * labels its pods carry, and its named container ports.
 *
 * @param kind as service edges name it: Deployment, StatefulSet, DaemonSet, CronJob, Job or Pod
 */
public record InventoryWorkload(String namespace, String kind, String name, LabelSelector selector,
    Map<String, String> podLabels, List<ContainerPort> ports) {

  public InventoryWorkload {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selector, "selector");
    podLabels = Map.copyOf(podLabels);
    ports = List.copyOf(ports);
  }

  /** namespace/kind/name, as {@code EdgeEnd.key()} spells an edge end. */
  public String key() {
    return namespace + '/' + kind + '/' + name;
  }
}
