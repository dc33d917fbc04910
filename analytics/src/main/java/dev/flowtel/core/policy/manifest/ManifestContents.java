package dev.flowtel.core.policy.manifest;

import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import java.util.List;

/**
 * What manifests held: the namespaces, pods, policies, workloads (controllers and bare Pods),
 * Services, cluster-scoped policies and nodes, in the order read, and one warning for every object that was skipped (another kind,
 * or a kind not asked for).
 */
public record ManifestContents(List<NamespaceInfo> namespaces, List<PodInfo> pods, List<NetworkPolicy> policies,
    List<DualStackAddresses> otherPodAddresses, List<InventoryWorkload> workloads, List<InventoryService> services,
    List<String> warnings, List<ClusterPolicy> clusterPolicies, List<NodeInfo> nodes) {

  public ManifestContents {
    clusterPolicies = List.copyOf(clusterPolicies);
    nodes = List.copyOf(nodes);
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    policies = List.copyOf(policies);
    otherPodAddresses = List.copyOf(otherPodAddresses);
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
    warnings = List.copyOf(warnings);
  }

  /** Contents with no cluster-scoped policies or nodes. */
  public ManifestContents(List<NamespaceInfo> namespaces, List<PodInfo> pods, List<NetworkPolicy> policies,
      List<DualStackAddresses> otherPodAddresses, List<InventoryWorkload> workloads, List<InventoryService> services,
      List<String> warnings) {
    this(namespaces, pods, policies, otherPodAddresses, workloads, services, warnings, List.of(), List.of());
  }

  /** Contents with no workloads or Services, as policy evaluation alone reads them. */
  public ManifestContents(List<NamespaceInfo> namespaces, List<PodInfo> pods, List<NetworkPolicy> policies,
      List<DualStackAddresses> otherPodAddresses, List<String> warnings) {
    this(namespaces, pods, policies, otherPodAddresses, List.of(), List.of(), warnings);
  }

  /**
   * The cluster as policy history sees it: namespaces, workloads and Services. Namespaces that
   * only objects name (not listed themselves) still get their name label from the inventory.
   */
  public ClusterInventory inventory() {
    return ClusterInventory.of(namespaces, workloads, services);
  }

  /** The second address of a dual-stack pod ({@code status.podIPs[1]}), which is the same pod. */
  public record DualStackAddresses(String namespace, String pod, dev.flowtel.core.policy.IpAddress ip) {}
}
