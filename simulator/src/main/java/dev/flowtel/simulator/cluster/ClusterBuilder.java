package dev.flowtel.simulator.cluster;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays out the cluster from the settings: system namespaces (kube-system with CoreDNS,
 * ingress-nginx, monitoring with a node-exporter DaemonSet and Prometheus), then application
 * namespaces of a web frontend, APIs, postgres, redis, rabbitmq and a worker, with pods spread
 * over the nodes and addresses from each node's /24 of the pod CIDR.
 */
public final class ClusterBuilder {

  static final String[] NAMESPACE_NAMES = {"shop", "payments", "catalog", "accounts", "search", "media", "shipping", "analytics"};
  static final String[] API_NOUNS = {"orders", "users", "inventory", "billing", "reviews", "pricing", "cart",
      "recommendations", "notifications", "auth", "checkout", "profiles"};
  /** Kubernetes' own alphabet for generated name suffixes: no vowels, no look-alike digits. */
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final SimulatorSettings settings;
  private final SplitMix64 random;
  private final List<KubeNamespace> namespaces = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Workload> workloads = new ArrayList<>();
  private final List<Service> services = new ArrayList<>();
  private final Map<String, List<NetworkPeer>> pods = new HashMap<>();
  private final int[] podsOnNode;
  /** Pods per workload id until services are known and their peers can be built. */
  private final Map<String, List<Pod>> pendingPods = new HashMap<>();
  private int nextServiceIp = Ipv4.of(10, 96, 0, 100);

  private ClusterBuilder(SimulatorSettings settings, SplitMix64 random) {
    this.settings = settings;
    this.random = random;
    this.podsOnNode = new int[settings.nodes()];
  }

  public static Cluster build(SimulatorSettings settings, SplitMix64 random) {
    return new ClusterBuilder(settings, random).build();
  }

  /** Name of the i-th application namespace (0-based). */
  public static String applicationNamespace(int i) {
    return i < NAMESPACE_NAMES.length ? NAMESPACE_NAMES[i] : "apps-" + (i + 1);
  }

  private Cluster build() {
    for (int i = 0; i < settings.nodes(); i++) {
      nodes.add(new Node("node-" + (i + 1), i, Ipv4.of(10, 0, 0, 10 + i), Ipv4.of(10, 244, i, 0)));
    }
    namespace(Cluster.KUBE_SYSTEM, false, Map.of());
    Workload coredns = workload(Cluster.KUBE_SYSTEM, "coredns", WorkloadKind.DEPLOYMENT, Role.DNS, 2,
        List.of(ContainerPort.udp("dns", 53), ContainerPort.tcp("dns-tcp", 53), ContainerPort.tcp("metrics", 9153)));
    service("kube-dns", Ipv4.of(10, 96, 0, 10), coredns);

    namespace("ingress-nginx", false, Map.of());
    Workload ingress = workload("ingress-nginx", "ingress-nginx-controller", WorkloadKind.DEPLOYMENT,
        Role.INGRESS_CONTROLLER, settings.podsPerWorkload(), List.of(ContainerPort.tcp("http", 80), ContainerPort.tcp("https", 443)));
    service("ingress-nginx-controller", nextServiceIp(), ingress);

    namespace("monitoring", false, Map.of());
    Workload exporter = workload("monitoring", "node-exporter", WorkloadKind.DAEMON_SET, Role.METRICS_EXPORTER,
        settings.nodes(), List.of(ContainerPort.tcp("metrics", 9100)));
    service("node-exporter", nextServiceIp(), exporter);
    Workload prometheus = workload("monitoring", "prometheus", WorkloadKind.STATEFUL_SET, Role.METRICS_SCRAPER, 1,
        List.of(ContainerPort.tcp("web", 9090)));
    service("prometheus", nextServiceIp(), prometheus);

    int firstOpen = settings.namespaces() - settings.openNamespaces();
    for (int i = 0; i < settings.namespaces(); i++) {
      String ns = applicationNamespace(i);
      boolean defaultDeny = i < firstOpen;
      namespace(ns, defaultDeny, Map.of("team", ns, "environment", "production"));
      applicationWorkloads(ns, i);
    }
    return new Cluster(namespaces, nodes, workloads, pods, services, externals());
  }

  private void applicationWorkloads(String ns, int namespaceIndex) {
    int apis = 0;
    boolean queue = false;
    for (int s = 0; s < settings.servicesPerNamespace(); s++) {
      Workload w;
      if (s == 0) {
        w = workload(ns, "web", WorkloadKind.DEPLOYMENT, Role.FRONTEND, settings.podsPerWorkload(), List.of(ContainerPort.tcp("http", 8080)));
      } else if (s == 2) {
        w = workload(ns, "postgres", WorkloadKind.STATEFUL_SET, Role.DATABASE, settings.podsPerWorkload(), List.of(ContainerPort.tcp("postgres", 5432)));
      } else if (s == 3) {
        w = workload(ns, "redis", WorkloadKind.STATEFUL_SET, Role.CACHE, settings.podsPerWorkload(), List.of(ContainerPort.tcp("redis", 6379)));
      } else if (s == 4) {
        w = workload(ns, "rabbitmq", WorkloadKind.STATEFUL_SET, Role.QUEUE, settings.podsPerWorkload(), List.of(ContainerPort.tcp("amqp", 5672)));
        queue = true;
      } else {
        String noun = API_NOUNS[(namespaceIndex * 3 + apis) % API_NOUNS.length];
        String name = apis < API_NOUNS.length ? noun + "-api" : noun + "-api-" + (apis / API_NOUNS.length + 1);
        w = workload(ns, name, WorkloadKind.DEPLOYMENT, Role.API, settings.podsPerWorkload(),
            List.of(ContainerPort.tcp("http", 8080), ContainerPort.tcp("grpc", 9090)));
        apis++;
      }
      service(w.name(), nextServiceIp(), w);
    }
    if (queue) {
      workload(ns, "worker", WorkloadKind.DEPLOYMENT, Role.WORKER, settings.podsPerWorkload(), List.of());
    }
  }

  private void namespace(String name, boolean defaultDeny, Map<String, String> extraLabels) {
    TreeMap<String, String> labels = new TreeMap<>(extraLabels);
    labels.put(KubeNamespace.NAME_LABEL, name);
    namespaces.add(new KubeNamespace(name, Collections.unmodifiableMap(labels), defaultDeny));
  }

  private Workload workload(String ns, String name, WorkloadKind kind, Role role, int replicas, List<ContainerPort> ports) {
    TreeMap<String, String> labels = new TreeMap<>();
    if (role == Role.DNS) {
      labels.put("k8s-app", "kube-dns");
    } else {
      labels.put("app", name);
      labels.put("app.kubernetes.io/name", name);
    }
    labels.put("app.kubernetes.io/part-of", ns);
    Workload w = new Workload(ns, name, kind, role, Collections.unmodifiableMap(labels), List.copyOf(ports));
    workloads.add(w);
    List<Pod> created = new ArrayList<>();
    String templateHash = suffix(10);
    int firstNode = random.nextInt(nodes.size());
    for (int i = 0; i < replicas; i++) {
      Node node = kind == WorkloadKind.DAEMON_SET ? nodes.get(i) : nodes.get((firstNode + i) % nodes.size());
      String podName = switch (kind) {
        case DEPLOYMENT -> name + "-" + templateHash + "-" + suffix(5);
        case STATEFUL_SET -> name + "-" + i;
        case DAEMON_SET -> name + "-" + suffix(5);
      };
      int slot = podsOnNode[node.index()]++;
      if (slot > 250) {
        throw new IllegalArgumentException("node " + node.name() + " has more than 250 pods, its /24 is full: raise nodes ("
            + settings.nodes() + ") or lower podsPerWorkload (" + settings.podsPerWorkload() + ")");
      }
      String veth = "veth" + Long.toHexString(random.nextLong() | 0x8000_0000L).substring(0, 8);
      created.add(new Pod(podName, w, node, node.podSubnet() + 2 + slot, veth, 10 + slot));
    }
    pendingPods.put(w.id(), created);
    return w;
  }

  private void service(String name, int clusterIp, Workload backend) {
    Service service = new Service(backend.namespace(), name, clusterIp, backend);
    services.add(service);
  }

  private int nextServiceIp() {
    int ip;
    do {
      ip = nextServiceIp++;
    } while ((ip & 0xFF) == 0 || (ip & 0xFF) == 255);
    return ip;
  }

  private String suffix(int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length()));
    }
    return new String(chars);
  }

  private List<ExternalHost> externals() {
    for (Workload w : workloads) {
      List<String> serviceNames = services.stream().filter(s -> s.backend() == w).map(Service::name).toList();
      List<NetworkPeer> peers = new ArrayList<>();
      for (Pod pod : pendingPods.get(w.id())) {
        peers.add(NetworkPeer.ofPod(pod, serviceNames));
      }
      pods.put(w.id(), List.copyOf(peers));
    }
    List<ExternalHost> hosts = new ArrayList<>();
    hosts.add(new ExternalHost("upstream-dns", Ipv4.of(8, 8, 8, 8), NetworkClass.PUBLIC, "the DNS resolver CoreDNS forwards to"));
    hosts.add(new ExternalHost("saas-api", Ipv4.of(52, 94, 236, 248), NetworkClass.PUBLIC, "a SaaS API some services call over HTTPS"));
    for (int i = 0; i < 16; i++) {
      hosts.add(new ExternalHost("internet-" + (i + 1), Ipv4.of(198, 51, 100, 10 + i * 7), NetworkClass.PUBLIC,
          "an internet client of the ingress controller"));
    }
    hosts.add(new ExternalHost("unknown-host", Ipv4.of(45, 155, 205, 233), NetworkClass.PUBLIC, "a public address no workload uses normally"));
    hosts.add(new ExternalHost("paste-site", Ipv4.of(104, 20, 67, 143), NetworkClass.PUBLIC, "a public upload site no workload uses normally"));
    return hosts;
  }
}
