package dev.flowtel.core.policy.history;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.policy.NamespaceInfo;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's namespaces, workloads and Services: what turns the workload and Service names of
 * service edges into the labels that policies select by.
 */
public final class ClusterInventory {

  private final Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
  private final Map<String, InventoryWorkload> workloads = new LinkedHashMap<>();
  private final Map<String, InventoryService> services = new LinkedHashMap<>();

  private ClusterInventory() {}

  public static ClusterInventory of(Collection<NamespaceInfo> namespaces, Collection<InventoryWorkload> workloads,
      Collection<InventoryService> services) {
    ClusterInventory inventory = new ClusterInventory();
    namespaces.forEach(n -> inventory.namespaces.put(n.name(), n));
    workloads.forEach(w -> inventory.workloads.put(w.key(), w));
    services.forEach(s -> inventory.services.put(s.namespace() + '/' + s.name(), s));
    return inventory;
  }

  public List<NamespaceInfo> namespaces() {
    return List.copyOf(namespaces.values());
  }

  public List<InventoryWorkload> workloads() {
    return List.copyOf(workloads.values());
  }

  public List<InventoryService> services() {
    return List.copyOf(services.values());
  }

  /** The namespace's labels; a namespace not listed still has its name label, as the API server sets it. */
  public NamespaceInfo namespace(String name) {
    NamespaceInfo known = namespaces.get(name);
    return known != null ? known : NamespaceInfo.named(name);
  }

  public Optional<InventoryWorkload> workload(String namespace, String kind, String name) {
    return Optional.ofNullable(workloads.get(namespace + '/' + kind + '/' + name));
  }

  public Optional<InventoryService> service(String namespace, String name) {
    return Optional.ofNullable(services.get(namespace + '/' + name));
  }

  /**
   * The workloads an edge end stands for: itself when it is a workload, the workloads whose pods a
   * Service selects when it is a Service, none for nodes, external classes and unknown names.
   */
  public List<InventoryWorkload> workloadsOf(EdgeEnd end) {
    if (end.namespace() == null) {
      return List.of();
    }
    if (EdgeEnd.SERVICE.equals(end.kind())) {
      InventoryService service = services.get(end.namespace() + '/' + end.name());
      if (service == null || service.selector().isEmpty()) {
        return List.of();
      }
      return workloads.values().stream()
          .filter(w -> w.namespace().equals(end.namespace()))
          .filter(w -> w.podLabels().entrySet().containsAll(service.selector().entrySet()))
          .toList();
    }
    InventoryWorkload workload = workloads.get(end.namespace() + '/' + end.kind() + '/' + end.name());
    return workload == null ? List.of() : List.of(workload);
  }
}
