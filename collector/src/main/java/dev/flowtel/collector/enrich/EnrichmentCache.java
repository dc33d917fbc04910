package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.NetworkClass;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node-local picture of the cluster that enrichment needs: which pod held an IP when, which
 * Services select a pod on which port, which addresses are ClusterIPs and nodes, and which
 * workload owns a ReplicaSet or Job. Informers write it ({@link ClusterWatch}); flow threads read
 * it with {@link #endpoint}, which is map lookups only, never an API call.
 *
 * <p>Writers serialise on one lock and publish immutable values into concurrent maps, so readers
 * never lock. Endpoints built for a pod are memoised per cache generation; any change to Services,
 * EndpointSlices or owners starts a new generation, and each pod rebuilds its Endpoints on its
 * next flow.
 */
public final class EnrichmentCache {

  /** Owner of a ReplicaSet or Job that has none. */
  private static final OwnerRef NO_OWNER = new OwnerRef("", "");

  /** One address+port that a Service's EndpointSlice lists. */
  private record SliceBinding(String namespace, String service, int portKey) {}

  /** A node address, with the hostNetwork pods listening on it. */
  private record Host(Endpoint node, List<PodEntry> hostNetworkPods) {}

  private final EnrichmentSettings settings;
  private final Clock clock;
  private final NetworkClassifier classifier;
  private final Interner interner = new Interner();
  private final Object writeLock = new Object();
  private volatile long generation;

  private final Map<String, PodEntry> podsByKey = new HashMap<>();
  private final ConcurrentHashMap<IpAddress, AddressHistory> podIps = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<IpAddress, Host> hosts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, OwnerRef> owners = new ConcurrentHashMap<>();
  private final Map<String, ServiceRecord> services = new HashMap<>();
  private final ConcurrentHashMap<String, List<ServiceRecord>> selectingServicesByNamespace = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<IpAddress, Endpoint> clusterIps = new ConcurrentHashMap<>();
  private final Map<String, EndpointSliceRecord> slices = new HashMap<>();
  private final ConcurrentHashMap<IpAddress, List<SliceBinding>> sliceBindings = new ConcurrentHashMap<>();
  private final Map<NetworkClass, Endpoint> unowned = new EnumMap<>(NetworkClass.class);

  public EnrichmentCache(EnrichmentSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.classifier = new NetworkClassifier(settings);
    for (NetworkClass c : NetworkClass.values()) {
      EndpointKind kind = switch (c) {
        case PRIVATE, PUBLIC, LOOPBACK -> EndpointKind.EXTERNAL;
        case NODE -> EndpointKind.HOST;
        default -> EndpointKind.UNKNOWN;
      };
      unowned.put(c, Endpoint.newBuilder().setKind(kind).setNetworkClass(c).build());
    }
  }

  public EnrichmentSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- reading (flow threads)

  /**
   * What {@code address} was at {@code atMillis} (else at {@code orAtMillis}, the flow's other
   * end), seen on {@code port}/{@code protocol}: a pod (with the Services that select it on that
   * port), a hostNetwork pod or node, a ClusterIP, or an address outside the cluster with its
   * network class. Never null; shared, so read-only.
   */
  public Endpoint endpoint(IpAddress address, int port, int protocol, long atMillis, long orAtMillis) {
    AddressHistory history = podIps.get(address);
    if (history != null) {
      PodEntry pod = history.at(atMillis);
      if (pod == null && orAtMillis != atMillis) {
        pod = history.at(orAtMillis);
      }
      if (pod != null) {
        return podEndpoint(pod, NamedPort.key(port, protocol));
      }
    }
    Host host = hosts.get(address);
    if (host != null) {
      for (PodEntry pod : host.hostNetworkPods()) {
        if (pod.record().hasPort(port, protocol)) {
          return podEndpoint(pod, NamedPort.key(port, protocol));
        }
      }
      return host.node();
    }
    Endpoint service = clusterIps.get(address);
    if (service != null) {
      return service;
    }
    NetworkClass networkClass = classifier.classify(address);
    List<SliceBinding> bindings = sliceBindings.get(address);
    if (bindings != null) {
      Endpoint behindService = outsideBehindService(bindings, NamedPort.key(port, protocol), networkClass);
      if (behindService != null) {
        return behindService;
      }
    }
    return unowned.get(networkClass);
  }

  /** Pods in the cache (live ones, by namespace/name). */
  public int podCount() {
    return podsByKey.size();
  }

  /** Addresses with a pod history. */
  public int addressCount() {
    return podIps.size();
  }

  /** The pod-holding intervals of {@code address}, oldest first, as "namespace/name [start,end)"; for tests and debugging. */
  public List<String> history(IpAddress address) {
    AddressHistory h = podIps.get(address);
    if (h == null) {
      return List.of();
    }
    return h.tenancies().stream().map(t -> t.pod().record().key() + " [" + t.start() + ","
        + (t.end() == PodRecord.OPEN ? "open" : Long.toString(t.end())) + ")").toList();
  }

  private Endpoint podEndpoint(PodEntry pod, int portKey) {
    PodEntry.Memo memo = pod.memo();
    long current = generation;
    if (memo == null || memo.generation() != current) {
      memo = buildMemo(pod, current);
      pod.memo(memo);
    }
    return memo.forPort(portKey);
  }

  private PodEntry.Memo buildMemo(PodEntry entry, long generation) {
    PodRecord pod = entry.record();
    OwnerRef workload = workload(pod);
    Map<Integer, TreeSet<String>> servicesByPort = new TreeMap<>();
    for (ServiceRecord service : selectingServicesByNamespace.getOrDefault(pod.namespace(), List.of())) {
      if (!service.selects(pod.labels())) {
        continue;
      }
      for (ServiceRecord.Port port : service.ports()) {
        int target = port.targetPort() >= 0 ? port.targetPort() : pod.portNamed(port.targetPortName(), port.protocol());
        if (target > 0) {
          servicesByPort.computeIfAbsent(NamedPort.key(target, port.protocol()), k -> new TreeSet<>()).add(service.name());
        }
      }
    }
    for (IpAddress address : pod.hostNetwork() ? pod.hostAddresses() : pod.addresses()) {
      for (SliceBinding binding : sliceBindings.getOrDefault(address, List.of())) {
        if (binding.namespace().equals(pod.namespace())) {
          servicesByPort.computeIfAbsent(binding.portKey(), k -> new TreeSet<>()).add(binding.service());
        }
      }
    }
    Endpoint base = podEndpoint(pod, workload, List.of());
    int[] keys = new int[servicesByPort.size()];
    Endpoint[] byPort = new Endpoint[keys.length];
    int i = 0;
    for (Map.Entry<Integer, TreeSet<String>> e : servicesByPort.entrySet()) {
      keys[i] = e.getKey();
      byPort[i] = podEndpoint(pod, workload, List.copyOf(e.getValue()));
      i++;
    }
    return new PodEntry.Memo(generation, base, keys, byPort);
  }

  private static Endpoint podEndpoint(PodRecord pod, OwnerRef workload, List<String> services) {
    return new Endpoint(pod.hostNetwork() ? EndpointKind.HOST : EndpointKind.POD, pod.namespace(), pod.name(),
        workload.kind(), workload.name(), services, pod.labels(), pod.node(), pod.hostNetwork(),
        pod.hostNetwork() ? NetworkClass.NODE : NetworkClass.POD, null);
  }

  /**
   * The top workload of a pod: ReplicaSet to its Deployment and Job to its CronJob when the
   * informers know them; while a ReplicaSet is not known yet, its name minus the pod's
   * {@code pod-template-hash} suffix is the Deployment's (that is how Deployments name them).
   */
  OwnerRef workload(PodRecord pod) {
    OwnerRef owner = pod.owner();
    if (owner == null) {
      return new OwnerRef("Pod", pod.name());
    }
    if (owner.kind().equals("ReplicaSet") || owner.kind().equals("Job")) {
      OwnerRef top = owners.get(ownerKey(owner.kind(), pod.namespace(), owner.name()));
      if (top == null && owner.kind().equals("ReplicaSet") && pod.podTemplateHash() != null
          && owner.name().endsWith("-" + pod.podTemplateHash())) {
        return new OwnerRef("Deployment",
            owner.name().substring(0, owner.name().length() - pod.podTemplateHash().length() - 1));
      }
      return top == null || top == NO_OWNER ? owner : top;
    }
    return owner;
  }

  private Endpoint outsideBehindService(List<SliceBinding> bindings, int portKey, NetworkClass networkClass) {
    TreeSet<String> names = new TreeSet<>();
    String namespace = null;
    for (SliceBinding b : bindings) {
      if (b.portKey() == portKey && (namespace == null || namespace.equals(b.namespace()))) {
        namespace = b.namespace();
        names.add(b.service());
      }
    }
    if (namespace == null) {
      return null;
    }
    return Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setNamespace(namespace).setServices(List.copyOf(names))
        .setNetworkClass(networkClass).build();
  }

  // ---------------------------------------------------------------- writing (informer threads)

  /** A pod was added or changed. Its IPs are attributed to it from its start until it ends. */
  public void upsertPod(PodRecord pod) {
    synchronized (writeLock) {
      PodRecord shared = share(pod);
      PodEntry previous = podsByKey.get(shared.key());
      long now = clock.millis();
      if (previous != null) {
        PodRecord old = previous.record();
        if (old.uid().equals(shared.uid()) && old.resourceVersion() != null
            && old.resourceVersion().equals(shared.resourceVersion())) {
          return;
        }
        if (!old.uid().equals(shared.uid())) {
          // Same name, new pod (a StatefulSet's): the old one's delete was missed.
          endPod(previous, Math.min(now, shared.startMillis()));
        } else {
          forgetHostNetwork(previous);
          for (IpAddress a : old.addresses()) {
            if (!old.hostNetwork() && (shared.hostNetwork() || !shared.addresses().contains(a))) {
              podIps.computeIfPresent(a, (k, h) -> h.ended(old.uid(), now));
            }
          }
        }
      }
      PodEntry entry = new PodEntry(shared);
      podsByKey.put(shared.key(), entry);
      for (IpAddress hostAddress : shared.hostAddresses()) {
        hosts.compute(hostAddress, (a, h) -> h != null && h.node().getNode().equals(shared.node()) ? h
            : new Host(nodeEndpoint(shared.node()), h == null ? List.of() : h.hostNetworkPods()));
      }
      if (shared.hostNetwork()) {
        for (IpAddress hostAddress : shared.hostAddresses()) {
          hosts.computeIfPresent(hostAddress, (a, h) -> {
            List<PodEntry> pods = new ArrayList<>(h.hostNetworkPods());
            pods.add(entry);
            return new Host(h.node(), List.copyOf(pods));
          });
        }
      } else {
        for (IpAddress a : shared.addresses()) {
          podIps.compute(a, (k, h) -> (h == null ? AddressHistory.EMPTY : h)
              .with(entry, shared.startMillis(), shared.endMillis())
              .evicted(now - settings.historyRetention().toMillis(), settings.maxTenanciesPerAddress()));
        }
      }
    }
  }

  /** A pod was deleted: its IPs stay attributed to it for flows up to now, and for the history retention. */
  public void deletePod(String namespace, String name) {
    synchronized (writeLock) {
      PodEntry entry = podsByKey.remove(namespace + "/" + name);
      if (entry != null) {
        endPod(entry, clock.millis());
      }
    }
  }

  private void endPod(PodEntry entry, long at) {
    PodRecord pod = entry.record();
    forgetHostNetwork(entry);
    if (!pod.hostNetwork()) {
      for (IpAddress a : pod.addresses()) {
        podIps.computeIfPresent(a, (k, h) -> h.ended(pod.uid(), at)
            .evicted(clock.millis() - settings.historyRetention().toMillis(), settings.maxTenanciesPerAddress()));
      }
    }
  }

  private void forgetHostNetwork(PodEntry entry) {
    PodRecord pod = entry.record();
    if (!pod.hostNetwork()) {
      return;
    }
    for (IpAddress hostAddress : pod.hostAddresses()) {
      hosts.computeIfPresent(hostAddress, (a, h) -> new Host(h.node(),
          h.hostNetworkPods().stream().filter(p -> !p.record().uid().equals(pod.uid())).toList()));
    }
  }

  /** Drops ended pod intervals older than the history retention; call now and then. */
  public void evictExpired() {
    synchronized (writeLock) {
      long before = clock.millis() - settings.historyRetention().toMillis();
      for (IpAddress a : List.copyOf(podIps.keySet())) {
        podIps.computeIfPresent(a, (k, h) -> h.evicted(before, settings.maxTenanciesPerAddress()));
      }
      interner.trimTo(1_000_000);
    }
  }

  /** A ReplicaSet or Job was added or changed; {@code controller} is its controlling owner or null. */
  public void upsertOwner(String kind, String namespace, String name, OwnerRef controller) {
    OwnerRef value = controller == null ? NO_OWNER : new OwnerRef(interner.string(controller.kind()), interner.string(controller.name()));
    synchronized (writeLock) {
      OwnerRef previous = owners.put(ownerKey(kind, namespace, name), value);
      if (!value.equals(previous)) {
        generation++;
      }
    }
  }

  public void deleteOwner(String kind, String namespace, String name) {
    // Pods of a deleted ReplicaSet or Job are gone or going; their memoised workload stays right.
    owners.remove(ownerKey(kind, namespace, name));
  }

  public void upsertService(ServiceRecord service) {
    synchronized (writeLock) {
      ServiceRecord previous = services.put(service.key(), service);
      if (previous != null && previous.equals(service)) {
        return;
      }
      if (previous != null) {
        previous.clusterIps().forEach(clusterIps::remove);
      }
      Endpoint endpoint = Endpoint.newBuilder().setKind(EndpointKind.SERVICE).setNamespace(interner.string(service.namespace()))
          .setServices(List.of(service.name())).setNetworkClass(NetworkClass.SERVICE).build();
      service.clusterIps().forEach(ip -> clusterIps.put(ip, endpoint));
      reindexServices(service.namespace());
    }
  }

  public void deleteService(String namespace, String name) {
    synchronized (writeLock) {
      ServiceRecord previous = services.remove(namespace + "/" + name);
      if (previous != null) {
        previous.clusterIps().forEach(clusterIps::remove);
        reindexServices(namespace);
      }
    }
  }

  private void reindexServices(String namespace) {
    List<ServiceRecord> selecting = services.values().stream()
        .filter(s -> s.namespace().equals(namespace) && s.selector() != null && !s.selector().isEmpty()).toList();
    if (selecting.isEmpty()) {
      selectingServicesByNamespace.remove(namespace);
    } else {
      selectingServicesByNamespace.put(namespace, selecting);
    }
    generation++;
  }

  public void upsertEndpointSlice(EndpointSliceRecord slice) {
    synchronized (writeLock) {
      EndpointSliceRecord previous = slices.put(slice.key(), slice);
      if (slice.equals(previous)) {
        return;
      }
      if (previous != null) {
        unbind(previous);
      }
      if (slice.serviceName() != null) {
        for (IpAddress a : slice.addresses()) {
          List<SliceBinding> added = slice.ports().stream()
              .map(p -> new SliceBinding(slice.namespace(), slice.serviceName(), NamedPort.key(p.port(), p.protocol()))).toList();
          sliceBindings.merge(a, added, (old, extra) -> {
            List<SliceBinding> all = new ArrayList<>(old);
            all.addAll(extra);
            return List.copyOf(all);
          });
        }
      }
      generation++;
    }
  }

  public void deleteEndpointSlice(String namespace, String name) {
    synchronized (writeLock) {
      EndpointSliceRecord previous = slices.remove(namespace + "/" + name);
      if (previous != null) {
        unbind(previous);
        generation++;
      }
    }
  }

  private void unbind(EndpointSliceRecord slice) {
    // Another slice may list the same address and port for the same Service; rebuild from all slices.
    for (IpAddress a : slice.addresses()) {
      List<SliceBinding> remaining = new ArrayList<>();
      for (EndpointSliceRecord other : slices.values()) {
        if (other.serviceName() != null && other.addresses().contains(a)) {
          other.ports().forEach(p -> remaining.add(
              new SliceBinding(other.namespace(), other.serviceName(), NamedPort.key(p.port(), p.protocol()))));
        }
      }
      if (remaining.isEmpty()) {
        sliceBindings.remove(a);
      } else {
        sliceBindings.put(a, List.copyOf(remaining));
      }
    }
  }

  private Endpoint nodeEndpoint(String node) {
    return Endpoint.newBuilder().setKind(EndpointKind.HOST).setNode(node).setNetworkClass(NetworkClass.NODE).build();
  }

  private PodRecord share(PodRecord p) {
    return new PodRecord(p.uid(), interner.string(p.namespace()), p.name(), interner.labels(p.labels()),
        interner.string(p.node()), p.hostNetwork(), List.copyOf(p.ports()), List.copyOf(p.addresses()),
        List.copyOf(p.hostAddresses()), p.owner() == null ? null
            : new OwnerRef(interner.string(p.owner().kind()), interner.string(p.owner().name())),
        interner.string(p.podTemplateHash()), p.startMillis(), p.endMillis(), p.resourceVersion());
  }

  private static String ownerKey(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
