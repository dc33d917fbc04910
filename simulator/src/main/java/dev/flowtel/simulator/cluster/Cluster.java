package dev.flowtel.simulator.cluster;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The modelled cluster: namespaces, nodes, workloads with their pods, Services and the external
 * hosts traffic goes to. Immutable; lists are in creation order, which is what output follows
 * (maps here serve lookups only, never iteration).
 */
public final class Cluster {

  public static final String POD_CIDR = "10.244.0.0/16";
  public static final String SERVICE_CIDR = "10.96.0.0/12";
  public static final String KUBE_SYSTEM = "kube-system";

  private final List<KubeNamespace> namespaces;
  private final List<Node> nodes;
  private final List<Workload> workloads;
  private final Map<String, List<NetworkPeer>> podsByWorkload;
  private final List<Service> services;
  private final Map<String, Service> servicesByWorkload;
  private final List<ExternalHost> externals;
  private final Map<String, NetworkPeer> externalPeers;
  private final Map<Integer, NetworkPeer> peersByAddress = new HashMap<>();

  Cluster(List<KubeNamespace> namespaces, List<Node> nodes, List<Workload> workloads,
      Map<String, List<NetworkPeer>> podsByWorkload, List<Service> services, List<ExternalHost> externals) {
    this.namespaces = List.copyOf(namespaces);
    this.nodes = List.copyOf(nodes);
    this.workloads = List.copyOf(workloads);
    this.podsByWorkload = Collections.unmodifiableMap(new HashMap<>(podsByWorkload));
    this.services = List.copyOf(services);
    Map<String, Service> byWorkload = new HashMap<>();
    services.forEach(s -> byWorkload.put(s.backend().id(), s));
    this.servicesByWorkload = Collections.unmodifiableMap(byWorkload);
    this.externals = List.copyOf(externals);
    Map<String, NetworkPeer> ext = new HashMap<>();
    for (ExternalHost host : externals) {
      NetworkPeer peer = NetworkPeer.ofExternal(host);
      ext.put(host.name(), peer);
      peersByAddress.put(host.address(), peer);
    }
    this.externalPeers = Collections.unmodifiableMap(ext);
    podsByWorkload.values().forEach(list -> list.forEach(p -> peersByAddress.put(p.address(), p)));
  }

  public List<KubeNamespace> namespaces() {
    return namespaces;
  }

  public KubeNamespace namespace(String name) {
    return namespaces.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no namespace " + name + " in the simulated cluster"));
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Workload> workloads() {
    return workloads;
  }

  /** The workload named namespace/name, or a message listing what exists. */
  public Workload workload(String id) {
    return workloads.stream().filter(w -> w.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no workload " + id + " in the simulated cluster; workloads: "
            + workloads.stream().map(Workload::id).toList()));
  }

  public List<NetworkPeer> pods(Workload workload) {
    return podsByWorkload.get(workload.id());
  }

  public List<Service> services() {
    return services;
  }

  public Optional<Service> serviceOf(Workload workload) {
    return Optional.ofNullable(servicesByWorkload.get(workload.id()));
  }

  public List<ExternalHost> externals() {
    return externals;
  }

  public NetworkPeer external(String name) {
    NetworkPeer peer = externalPeers.get(name);
    if (peer == null) {
      throw new IllegalArgumentException("no external host " + name);
    }
    return peer;
  }

  /** The pod or external host with this address, if any. */
  public Optional<NetworkPeer> peerAt(int address) {
    return Optional.ofNullable(peersByAddress.get(address));
  }

  public Service kubeDns() {
    return services.stream().filter(s -> s.backend().role() == Role.DNS).findFirst().orElseThrow();
  }
}
