package dev.flowtel.simulator.callgraph;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Role;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The microservice call graph of the modelled application: internet to ingress, ingress to each
 * web frontend, web to its APIs (and one API of the next namespace), API chains over gRPC, APIs
 * and workers to postgres, redis and rabbitmq, some APIs to the SaaS API, every workload to
 * kube-dns, CoreDNS upstream, Prometheus to node-exporter; plus {@code extraEdges} random API
 * calls across namespaces. Connection rates are calibrated so the mean FlowEvent rate is
 * {@code flowsPerSecond}.
 */
public final class CallGraphBuilder {

  private final Cluster cluster;
  private final List<CallEdge> edges = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();

  private CallGraphBuilder(Cluster cluster) {
    this.cluster = cluster;
  }

  public static CallGraph build(Cluster cluster, SimulatorSettings settings, SplitMix64 random) {
    CallGraphBuilder b = new CallGraphBuilder(cluster);
    b.pattern(settings, random);
    return new CallGraph(calibrate(b.edges, settings));
  }

  private void pattern(SimulatorSettings settings, SplitMix64 random) {
    Workload ingress = cluster.workload("ingress-nginx/ingress-nginx-controller");
    List<NetworkPeer> internet = cluster.externals().stream().filter(h -> h.name().startsWith("internet-"))
        .map(h -> cluster.external(h.name())).toList();
    Service ingressService = cluster.serviceOf(ingress).orElseThrow();
    add("external/internet", null, internet, ingressService, ingress.port("https"), TrafficShape.INTERNET_HTTPS);

    List<String> appNamespaces = cluster.namespaces().stream().map(KubeNamespace::name)
        .filter(n -> !n.equals("kube-system") && !n.equals("ingress-nginx") && !n.equals("monitoring")).toList();
    List<Workload> firstApis = new ArrayList<>();
    for (int i = 0; i < appNamespaces.size(); i++) {
      String ns = appNamespaces.get(i);
      List<Workload> apis = inRole(ns, Role.API);
      Workload web = one(ns, Role.FRONTEND);
      Workload db = one(ns, Role.DATABASE);
      Workload cache = one(ns, Role.CACHE);
      Workload queue = one(ns, Role.QUEUE);
      Workload worker = one(ns, Role.WORKER);
      firstApis.add(apis.isEmpty() ? null : apis.get(0));
      call(ingress, web, "http", TrafficShape.HTTP);
      for (Workload api : apis) {
        call(web, api, "http", TrafficShape.HTTP);
        call(api, cache, "redis", TrafficShape.CACHE_POOL);
      }
      for (int a = 0; a + 1 < apis.size(); a++) {
        call(apis.get(a), apis.get(a + 1), "grpc", TrafficShape.GRPC);
      }
      if (!apis.isEmpty()) {
        call(apis.get(0), db, "postgres", TrafficShape.DATABASE_POOL);
        call(apis.get(0), queue, "amqp", TrafficShape.QUEUE);
        if (i % 2 == 0) {
          Workload payer = apis.get(apis.size() - 1);
          add(payer.id(), payer, cluster.pods(payer), null, ContainerPort.tcp("https", 443), TrafficShape.SAAS_HTTPS,
              cluster.external("saas-api"));
        }
      }
      call(worker, queue, "amqp", TrafficShape.QUEUE);
      call(worker, db, "postgres", TrafficShape.DATABASE_POOL);
    }
    for (int i = 0; i + 1 < appNamespaces.size(); i++) {
      Workload web = one(appNamespaces.get(i), Role.FRONTEND);
      call(web, firstApis.get(i + 1), "http", TrafficShape.HTTP);
    }
    List<Workload> allApis = cluster.workloads().stream().filter(w -> w.role() == Role.API).toList();
    // Random pairs repeat and some are taken: allow a fixed number of misses per edge asked for, so a
    // large extraEdges (a benchmark's 100k edges) is met whenever the APIs have that many pairs.
    long maxAttempts = 100 + 20L * settings.extraEdges();
    for (long attempts = 0, added = 0; added < settings.extraEdges() && attempts < maxAttempts && allApis.size() > 1; attempts++) {
      Workload from = allApis.get(random.nextInt(allApis.size()));
      Workload to = allApis.get(random.nextInt(allApis.size()));
      if (from != to && call(from, to, "grpc", TrafficShape.GRPC)) {
        added++;
      }
    }
    Service dns = cluster.kubeDns();
    for (Workload w : cluster.workloads()) {
      if (w.role() != Role.DNS && w.role() != Role.METRICS_EXPORTER) {
        add(w.id(), w, cluster.pods(w), dns, dns.backend().port("dns"), TrafficShape.DNS);
      }
    }
    Workload coredns = dns.backend();
    add(coredns.id(), coredns, cluster.pods(coredns), null, ContainerPort.udp("dns", 53), TrafficShape.UPSTREAM_DNS,
        cluster.external("upstream-dns"));
    Workload prometheus = cluster.workload("monitoring/prometheus");
    call(prometheus, cluster.workload("monitoring/node-exporter"), "metrics", TrafficShape.SCRAPE);
  }

  private boolean call(Workload client, Workload server, String portName, TrafficShape shape) {
    if (client == null || server == null) {
      return false;
    }
    Service service = cluster.serviceOf(server).orElseThrow();
    return add(client.id(), client, cluster.pods(client), service, server.port(portName), shape);
  }

  private boolean add(String clientId, Workload client, List<NetworkPeer> clients, Service service, ContainerPort port,
      TrafficShape shape) {
    return add(clientId, client, clients, service, port, shape, null);
  }

  private boolean add(String clientId, Workload client, List<NetworkPeer> clients, Service service, ContainerPort port,
      TrafficShape shape, NetworkPeer external) {
    String serverId = service != null ? service.id() : external.id();
    String key = CallEdge.key(clientId, serverId, port.port(), port.protocolNumber());
    if (!seen.add(key)) {
      return false;
    }
    List<NetworkPeer> servers = service != null ? cluster.pods(service.backend()) : List.of(external);
    edges.add(new CallEdge(edges.size(), clientId, client, clients, serverId, service, servers, port, shape, key, 0));
    return true;
  }

  private List<Workload> inRole(String ns, Role role) {
    return cluster.workloads().stream().filter(w -> w.namespace().equals(ns) && w.role() == role).toList();
  }

  private Workload one(String ns, Role role) {
    List<Workload> found = inRole(ns, role);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<CallEdge> calibrate(List<CallEdge> edges, SimulatorSettings settings) {
    double interval = settings.exportInterval().toNanos() / 1e9;
    double flowsPerUnitRate = 0;
    for (CallEdge e : edges) {
      flowsPerUnitRate += e.shape().connectionWeight() * e.shape().expectedFlowEvents(interval);
    }
    double unit = settings.flowsPerSecond() / flowsPerUnitRate;
    return edges.stream().map(e -> e.withRate(unit * e.shape().connectionWeight())).toList();
  }
}
