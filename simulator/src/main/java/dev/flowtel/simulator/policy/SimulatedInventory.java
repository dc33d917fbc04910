package dev.flowtel.simulator.policy;

import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import java.util.List;
import java.util.Map;

/**
 * The simulated cluster as policy history sees a real one: namespaces with their labels, every
 * workload with the selector its controller uses (the one label Services and policies select it
 * by), its pod labels and named ports, and every Service with its selector.
 */
public final class SimulatedInventory {

  private SimulatedInventory() {}

  public static ClusterInventory of(Cluster cluster) {
    List<NamespaceInfo> namespaces = cluster.namespaces().stream().map(SimulatedInventory::namespace).toList();
    List<InventoryWorkload> workloads = cluster.workloads().stream().map(SimulatedInventory::workload).toList();
    List<InventoryService> services = cluster.services().stream().map(SimulatedInventory::service).toList();
    return ClusterInventory.of(namespaces, workloads, services);
  }

  public static NamespaceInfo namespace(KubeNamespace namespace) {
    return new NamespaceInfo(namespace.name(), namespace.labels());
  }

  public static InventoryWorkload workload(Workload workload) {
    return new InventoryWorkload(workload.namespace(), workload.kind().kubernetesName(), workload.name(),
        LabelSelector.matchLabels(selector(workload)), workload.labels(), workload.ports());
  }

  public static InventoryService service(Service service) {
    return new InventoryService(service.namespace(), service.name(), selector(service.backend()));
  }

  private static Map<String, String> selector(Workload workload) {
    Map.Entry<String, String> label = workload.selectorLabel();
    return Map.of(label.getKey(), label.getValue());
  }
}
