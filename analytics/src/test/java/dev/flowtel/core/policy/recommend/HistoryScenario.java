package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import dev.flowtel.core.policy.history.ObservedEdge;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small cluster the recommend and what-if tests share: shop (web, api), payments (billing, its
 * port unnamed) and kube-system (CoreDNS), each behind a Service.
 */
public final class HistoryScenario {

  public static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

  private HistoryScenario() {}

  public static InventoryWorkload web() {
    return workload("shop", "web", Map.of("app", "web"), ContainerPort.tcp("http", 8080));
  }

  public static InventoryWorkload api() {
    return workload("shop", "api", Map.of("app", "api"), ContainerPort.tcp("http", 8080), ContainerPort.tcp("grpc", 9090));
  }

  public static InventoryWorkload billing() {
    return workload("payments", "billing", Map.of("app", "billing"), new ContainerPort("", 8443, dev.flowtel.core.policy.Protocol.TCP));
  }

  public static InventoryWorkload coredns() {
    return workload("kube-system", "coredns", Map.of("k8s-app", "kube-dns"), ContainerPort.udp("dns", 53),
        ContainerPort.tcp("dns-tcp", 53));
  }

  public static ClusterInventory inventory() {
    return ClusterInventory.of(
        List.of(new NamespaceInfo("shop", Map.of("team", "shop")), NamespaceInfo.named("payments"), NamespaceInfo.named("kube-system")),
        List.of(web(), api(), billing(), coredns()),
        List.of(new InventoryService("shop", "api", Map.of("app", "api")),
            new InventoryService("payments", "billing", Map.of("app", "billing")),
            new InventoryService("kube-system", "kube-dns", Map.of("k8s-app", "kube-dns"))));
  }

  private static InventoryWorkload workload(String ns, String name, Map<String, String> selector, ContainerPort... ports) {
    Map<String, String> podLabels = new java.util.HashMap<>(selector);
    podLabels.put("pod-template-hash", "7d9f");
    return new InventoryWorkload(ns, "Deployment", name, LabelSelector.matchLabels(selector), podLabels, List.of(ports));
  }

  /** An edge with every connection established: {@code flows} connections, all opened, from minute a to minute b. */
  public static ObservedEdge seen(String key, long flows, long bytes, int fromMinute, int toMinute, String... addresses) {
    return new ObservedEdge(ServiceEdge.fromKey(key), flows, bytes, flows, 0, 0, T0.plusSeconds(60L * fromMinute),
        T0.plusSeconds(60L * toMinute), Arrays.stream(addresses).map(IpAddress::parse).collect(Collectors.toSet()));
  }

  /** An edge of refused attempts only. */
  public static ObservedEdge refused(String key, long attempts) {
    return new ObservedEdge(ServiceEdge.fromKey(key), attempts, attempts * 60, 0, attempts, 0, T0, T0.plusSeconds(60), java.util.Set.of());
  }
}
