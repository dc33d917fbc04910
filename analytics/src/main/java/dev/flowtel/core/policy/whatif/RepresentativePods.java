package dev.flowtel.core.policy.whatif;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.history.InventoryWorkload;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pod standing for all pods of a workload when history is judged: its pod labels and named
 * container ports, and no address.
 *
 * <p>Why no address: history names workloads, not pods, and a pod's address is one of many and
 * changes on every restart, so no address would be honest. Without one, no ipBlock matches the
 * representative (the engine matches ipBlocks on addresses only), whatever CIDRs either policy
 * set holds, which is what a placeholder address outside every ipBlock would achieve, without the
 * search for one (a set may hold 0.0.0.0/0 and ::/0). The price: a policy that allows pods by an
 * ipBlock over the pod network (unusual; Kubernetes documents ipBlock for traffic from outside the
 * cluster) is judged as not allowing them.
 */
public final class RepresentativePods {

  private final Map<String, PodInfo> byWorkload = new ConcurrentHashMap<>();

  /** The representative of {@code workload}, built once. */
  public PodInfo of(InventoryWorkload workload) {
    return byWorkload.computeIfAbsent(workload.key(), k -> {
      Map<String, ContainerPort> named = new HashMap<>();
      for (ContainerPort port : workload.ports()) {
        if (port.name() != null && !port.name().isEmpty()) {
          named.putIfAbsent(port.name(), port);
        }
      }
      return new PodInfo(workload.namespace(), workload.kind() + "/" + workload.name(), workload.podLabels(), null, named,
          false);
    });
  }
}
