package dev.flowtel.simulator.dns;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.callgraph.CallGraph;
import dev.flowtel.simulator.callgraph.DailyCurve;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Pod;
import dev.flowtel.simulator.cluster.Role;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.random.SplitMix64;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The DNS transactions of a simulated cluster, as the collector's TC hooks see them at each client pod's veth and
 * enrichment fills them: every workload resolves the Services its call graph calls and a few public names through
 * its pod's {@link SearchPath} (so search-path NXDOMAINs come first, as in any cluster with {@code ndots:5}), with
 * CoreDNS's latencies (cache hits in a fraction of a millisecond, upstream misses in milliseconds), now and then a
 * SERVFAIL or an unanswered query; plus labeled {@link DnsEpisodeSpec episodes}. Deterministic per seed, from a
 * random stream of its own: adding DNS changes no flow. Each {@link #transactions()} / {@link #run} starts from the
 * seed again.
 *
 * <p>Not modelled: CoreDNS's own upstream queries (its pods as clients of 8.8.8.8), TCP fallback, IPv6 clients.
 * Server addresses are CoreDNS pods' (post-DNAT, as the simulator's flows are).
 */
public final class DnsSimulation {

  public static final String CLUSTER_DOMAIN = "cluster.local";
  /**
   * The node search domain kubelet copies into pods' resolv.conf on AWS: with it ({@link #withNodeDomain}) every
   * short external name is also asked, and NXDOMAIN, under it, outside the cluster domain. Without it (the
   * default), nodes have no search domain of their own, as on bare metal or kind.
   */
  public static final String AWS_NODE_DOMAIN = "eu-west-1.compute.internal";

  private static final long SALT = 0xD45_7A11L;
  private static final long STEP_NANOS = 1_000_000_000L;
  private static final Set<Role> APPLICATION_ROLES = Set.of(Role.FRONTEND, Role.API, Role.WORKER);
  private static final int TYPE_A = 1;
  private static final int TYPE_AAAA = 28;
  private static final int TYPE_CNAME = 5;
  private static final int TYPE_NULL = 10;
  private static final int TYPE_TXT = 16;
  private static final int NOERROR = 0;
  private static final int SERVFAIL = 2;
  private static final int NXDOMAIN = 3;
  private static final String[] DGA_TLDS = {"com", "net", "org", "info", "biz", "ru", "top", "xyz"};
  private static final String[] WORDS = {"cdn", "sync", "update", "metrics", "static", "cloud", "edge", "data", "api",
      "secure", "files", "relay", "stream", "assets", "portal", "global"};

  private final SimulatorSettings settings;
  private final Cluster cluster;
  private final CallGraph graph;
  private final List<DnsEpisodeSpec> specs;
  private final String nodeDomain;

  private DnsSimulation(SimulatorSettings settings, Cluster cluster, CallGraph graph, List<DnsEpisodeSpec> specs,
      String nodeDomain) {
    this.settings = settings;
    this.cluster = cluster;
    this.graph = graph;
    this.specs = List.copyOf(specs);
    this.nodeDomain = nodeDomain;
  }

  /** The DNS of {@code simulator}'s cluster, with these episodes (none: clean DNS only), nodes without a search domain. */
  public static DnsSimulation of(ClusterSimulator simulator, List<DnsEpisodeSpec> episodes) {
    return new DnsSimulation(simulator.settings(), simulator.cluster(), simulator.callGraph(), episodes, null);
  }

  /** The same with another node search domain (null: nodes without one, as on bare metal). */
  public DnsSimulation withNodeDomain(String domain) {
    return new DnsSimulation(settings, cluster, graph, specs, domain);
  }

  public String nodeDomain() {
    return nodeDomain;
  }

  /** The ground truth of every episode, in schedule order. */
  public List<DnsEpisodeLabel> episodes() {
    return new Generator().episodes.stream().map(e -> e.label).toList();
  }

  /** Every transaction of the simulation's duration, in query-time order, lazily. */
  public Iterator<LabeledDns> transactions() {
    Generator g = new Generator();
    long end = nanos(settings.start().plus(settings.duration()));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (!g.ready() && g.now < end) {
          g.step();
        }
        return g.ready() || !g.pending.isEmpty();
      }

      @Override
      public LabeledDns next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the simulation's duration has ended");
        }
        return g.pending.poll().dns;
      }
    };
  }

  /** Hands every transaction of the duration to {@code sink}, in query-time order. */
  public void run(Consumer<LabeledDns> sink) {
    transactions().forEachRemaining(sink);
  }

  private record Pending(long nanos, long seq, LabeledDns dns) {}

  /** One name a pod looks up now and then; a telemetry lookup asks a new per-event name each time. */
  private record Lookup(NetworkPeer pod, SearchPath path, String name, double perSecond, boolean telemetry) {}

  /** A scheduled episode and what its traffic needs. */
  private static final class EpisodeRun {
    DnsEpisodeLabel label;
    NetworkPeer pod;
    SearchPath path;
    long from;
    long to;
    double perSecond;
    String parent;
    boolean hex;
    int queryType;
  }

  /** One run's state: built afresh from the seed for every run. */
  private final class Generator {
    final SplitMix64 random = new SplitMix64(settings.seed()).fork(SALT);
    final SplitMix64 traffic = random.fork(3);
    final ResolverZone zone = new ResolverZone(cluster, CLUSTER_DOMAIN);
    final List<Lookup> lookups = new ArrayList<>();
    final List<EpisodeRun> episodes = new ArrayList<>();
    final DailyCurve curve = new DailyCurve(settings.start(), settings.timeCompression(), settings.dailyAmplitude());
    final PriorityQueue<Pending> pending = new PriorityQueue<>(
        Comparator.comparingLong(Pending::nanos).thenComparingLong(Pending::seq));
    final List<NetworkPeer> resolvers = cluster.pods(cluster.kubeDns().backend());
    long now = nanos(settings.start());
    long seq;

    Generator() {
      planLookups(random.fork(1));
      planEpisodes(random.fork(2));
    }

    /** Whether the earliest pending transaction can no longer be overtaken by a later step's. */
    boolean ready() {
      return !pending.isEmpty() && pending.peek().nanos < now;
    }

    private void planLookups(SplitMix64 rnd) {
      zone.external(ExternalNames.SAAS_API, cluster.external("saas-api").address(), false, 60);
      ExternalNames.DEPENDENCIES.forEach(n -> zone.external(n, (n.hashCode() & 2) == 0));
      Workload telemetry = null;
      Workload retired = null;
      for (Workload w : cluster.workloads()) {
        if (w.role() == Role.DNS) {
          continue;
        }
        List<NetworkPeer> pods = cluster.pods(w);
        for (CallEdge e : graph.edgesFrom(w)) {
          String name;
          if (e.service() != null) {
            if (e.service().backend().role() == Role.DNS) {
              continue;
            }
            name = serviceAsWritten(w, e.service(), rnd);
          } else if (e.serverId().equals("external/saas-api")) {
            name = ExternalNames.SAAS_API;
          } else {
            continue;
          }
          // A resolver library asks again per new connection, but not more often than its cache allows; pools
          // refresh their addresses every few minutes even when idle.
          double perPod = Math.min(e.connectionsPerSecond() / pods.size(), 0.2) + 1.0 / 180;
          pods.forEach(p -> lookups.add(new Lookup(p, path(p), name, perPod, false)));
        }
        if (!APPLICATION_ROLES.contains(w.role())) {
          continue;
        }
        int dependencies = 1 + rnd.nextInt(3);
        List<String> picked = new ArrayList<>();
        while (picked.size() < dependencies) {
          String n = ExternalNames.DEPENDENCIES.get(rnd.nextInt(ExternalNames.DEPENDENCIES.size()));
          if (!picked.contains(n)) {
            picked.add(n);
          }
        }
        if (w.role() == Role.FRONTEND) {
          for (int i = 0; i < 3; i++) {
            String cdn = "d" + randomChars(rnd, "0123456789abcdefghijklmnopqrstuvwxyz", 13) + ".cloudfront.net";
            zone.external(cdn, true);
            picked.add(cdn);
          }
        }
        for (String n : picked) {
          pods.forEach(p -> lookups.add(new Lookup(p, path(p), n, 1.0 / 30, false)));
        }
        if (w.role() == Role.API && (telemetry == null || rnd.nextInt(4) == 0)) {
          telemetry = w;
        }
        if (w.role() == Role.WORKER || (retired == null && rnd.nextInt(6) == 0)) {
          retired = w;
        }
      }
      if (telemetry != null) {
        NetworkPeer p = cluster.pods(telemetry).get(0);
        lookups.add(new Lookup(p, path(p), ExternalNames.TELEMETRY_PARENT, 4.0 / 60, true));
      }
      if (retired != null) {
        for (NetworkPeer p : cluster.pods(retired)) {
          lookups.add(new Lookup(p, path(p), ExternalNames.RETIRED, 1.0 / 60, false));
        }
      }
    }

    /** How the workload's code names the Service: short, namespaced, fully qualified, or absolute. */
    private String serviceAsWritten(Workload client, Service s, SplitMix64 rnd) {
      String fqdn = ResolverZone.serviceName(s, CLUSTER_DOMAIN);
      int style = rnd.nextInt(4);
      boolean sameNamespace = client.namespace().equals(s.namespace());
      return switch (style) {
        case 0 -> sameNamespace ? s.name() : s.name() + "." + s.namespace();
        case 1 -> s.name() + "." + s.namespace();
        case 2 -> fqdn;
        default -> fqdn + ".";
      };
    }

    private SearchPath path(NetworkPeer pod) {
      return SearchPath.of(pod.pod().workload().namespace(), CLUSTER_DOMAIN, nodeDomain);
    }

    private void planEpisodes(SplitMix64 rnd) {
      List<Workload> candidates = cluster.workloads().stream().filter(w -> APPLICATION_ROLES.contains(w.role())).toList();
      for (DnsEpisodeSpec spec : specs) {
        SplitMix64 r = rnd.fork(episodes.size() + 1);
        Workload w = spec.target() != null ? cluster.workload(spec.target()) : candidates.get(r.nextInt(candidates.size()));
        List<NetworkPeer> pods = cluster.pods(w);
        EpisodeRun run = new EpisodeRun();
        run.pod = pods.get(r.nextInt(pods.size()));
        run.path = path(run.pod);
        Instant start = settings.start().plus(spec.startOffset());
        Instant end = start.plus(spec.duration());
        run.from = nanos(start);
        run.to = nanos(end);
        String id = String.format(Locale.ROOT, "dns-%02d-%s", episodes.size() + 1,
            spec.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        String clientKey = EdgeEnd.client(run.pod.asClient()).key();
        String description;
        if (spec.type() == DnsEpisodeType.NXDOMAIN_SPIKE) {
          int perMinute = 20 + r.nextInt(131);
          run.perSecond = perMinute / 60.0;
          description = "pod " + run.pod.pod().name() + " looks up about " + perMinute + " generated domains a minute"
              + " through its search path; 1 in 40 resolves, the rest are NXDOMAIN";
        } else {
          int perMinute = 60 + r.nextInt(341);
          run.perSecond = perMinute / 60.0;
          run.parent = WORDS[r.nextInt(WORDS.length)] + "-" + WORDS[r.nextInt(WORDS.length)] + "."
              + DGA_TLDS[r.nextInt(DGA_TLDS.length)];
          run.hex = r.nextInt(2) == 0;
          run.queryType = new int[] {TYPE_TXT, TYPE_NULL, TYPE_CNAME}[r.nextInt(3)];
          description = "pod " + run.pod.pod().name() + " sends about " + perMinute + " queries a minute (type "
              + run.queryType + ") of unique " + (run.hex ? "hex" : "base32") + "-encoded names under " + run.parent
              + ", each answered by the tunnel's server";
        }
        run.label = new DnsEpisodeLabel(id, spec.type(), start, end, w.id(), clientKey, run.parent, description);
        episodes.add(run);
      }
    }

    /** Generates one second of event time and moves the clock past it. */
    void step() {
      long from = now;
      long to = from + STEP_NANOS;
      double factor = curve.at(from + STEP_NANOS / 2) * STEP_NANOS / 1e9;
      for (Lookup l : lookups) {
        long n = traffic.nextPoisson(l.perSecond * factor);
        for (long i = 0; i < n; i++) {
          long t = from + traffic.nextLong(STEP_NANOS);
          String name = l.telemetry ? randomChars(traffic, "0123456789abcdef", 32) + "." + l.name : l.name;
          resolve(l.pod, l.path, name, t, null, null);
        }
      }
      for (EpisodeRun e : episodes) {
        long a = Math.max(from, e.from);
        long b = Math.min(to, e.to);
        if (a >= b) {
          continue;
        }
        long n = traffic.nextPoisson(e.perSecond * (b - a) / 1e9);
        for (long i = 0; i < n; i++) {
          long t = a + traffic.nextLong(b - a);
          if (e.label.type() == DnsEpisodeType.NXDOMAIN_SPIKE) {
            String name = randomChars(traffic, "abcdefghijklmnopqrstuvwxyz", 10 + traffic.nextInt(11)) + "."
                + DGA_TLDS[traffic.nextInt(DGA_TLDS.length)];
            ResolverZone.Answer registered = traffic.nextInt(40) == 0 ? new ResolverZone.Answer(
                (185 << 24) | traffic.nextInt(1 << 24), false, 300, false) : null;
            resolve(e.pod, e.path, name, t, registered, e.label);
          } else {
            tunnelQuery(e, t);
          }
        }
      }
      now = to;
    }

    /**
     * One lookup as a stub resolver makes it: A and AAAA together for each candidate name of the search path, the
     * next candidate once both are answered, until a name exists (or the resolver fails).
     */
    private void resolve(NetworkPeer pod, SearchPath path, String name, long t, ResolverZone.Answer registered,
        DnsEpisodeLabel label) {
      NetworkPeer server = resolvers.get(traffic.nextInt(resolvers.size()));
      String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      for (String candidate : path.candidates(name)) {
        ResolverZone.Answer answer = candidate.equals(bare) && registered != null ? registered : zone.lookup(candidate);
        boolean generated = label != null && candidate.equals(bare);
        int port = 32768 + traffic.nextInt(28232);
        long latencyA = latency(candidate, generated);
        long latencyAaaa = latency(candidate, generated);
        Integer code = answer == null ? NXDOMAIN : NOERROR;
        boolean upstream = !candidate.endsWith("." + CLUSTER_DOMAIN) && latencyA > 1_000_000L;
        if (upstream && label == null && traffic.chance(0.003)) {
          // The upstream did not answer in time: CoreDNS gives up after its forward timeout.
          code = SERVFAIL;
          latencyA = 2_000_000_000L + traffic.nextLong(5_000_000L);
          latencyAaaa = 2_000_000_000L + traffic.nextLong(5_000_000L);
        }
        if (traffic.chance(0.0005)) {
          latencyA = -1;
        }
        add(pod, server, port, t, candidate, TYPE_A, latencyA < 0 ? null : code, latencyA < 0 ? null : latencyA,
            code == NOERROR ? answersA(answer) : List.of(), label);
        add(pod, server, port, t + 20_000, candidate, TYPE_AAAA, code, latencyAaaa,
            code == NOERROR && answer.aaaa() ? answersAaaa(answer) : List.of(), label);
        if (code != NXDOMAIN || latencyA < 0) {
          return;
        }
        t += Math.max(latencyA, latencyAaaa + 20_000) + 30_000;
      }
    }

    private long latency(String name, boolean generated) {
      if (name.endsWith("." + CLUSTER_DOMAIN)) {
        return (long) traffic.nextLogNormal(250_000, 0.4);
      }
      if (generated) {
        return (long) traffic.nextLogNormal(25_000_000, 0.6);
      }
      if (nodeDomain != null && name.endsWith("." + nodeDomain)) {
        return traffic.chance(0.7) ? (long) traffic.nextLogNormal(300_000, 0.4) : (long) traffic.nextLogNormal(1_500_000, 0.5);
      }
      return traffic.chance(0.8) ? (long) traffic.nextLogNormal(300_000, 0.4) : (long) traffic.nextLogNormal(12_000_000, 0.7);
    }

    private void tunnelQuery(EpisodeRun e, long t) {
      int payload = 40 + traffic.nextInt(71);
      String chars = randomChars(traffic, e.hex ? "0123456789abcdef" : "abcdefghijklmnopqrstuvwxyz234567", payload);
      StringBuilder name = new StringBuilder(payload + 8 + e.parent.length());
      for (int i = 0; i < chars.length(); i += 57) {
        name.append(chars, i, Math.min(chars.length(), i + 57)).append('.');
      }
      name.append(e.parent);
      // Tunnel tools build their own packets: the name is asked as is, no search path.
      NetworkPeer server = resolvers.get(traffic.nextInt(resolvers.size()));
      DnsTransaction tx = transaction(e.pod, server, 32768 + traffic.nextInt(28232), t, name.toString(), e.queryType,
          NOERROR, (long) traffic.nextLogNormal(45_000_000, 0.5), List.of());
      tx.setAnswerCount(1);
      pending.add(new Pending(t, seq++, new LabeledDns(tx, key(e.pod), e.label)));
    }

    private void add(NetworkPeer pod, NetworkPeer server, int port, long t, String name, int type, Integer code,
        Long latency, List<DnsAnswer> answers, DnsEpisodeLabel label) {
      DnsTransaction tx = transaction(pod, server, port, t, name, type, code, latency, answers);
      pending.add(new Pending(t, seq++, new LabeledDns(tx, key(pod), label)));
    }

    private DnsTransaction transaction(NetworkPeer pod, NetworkPeer server, int port, long t, String name, int type,
        Integer code, Long latency, List<DnsAnswer> answers) {
      Pod p = pod.pod();
      DnsTransaction tx = new DnsTransaction();
      tx.setQueryTime(instant(t));
      tx.setResponseTime(latency == null ? null : instant(t + latency));
      tx.setLatencyNanos(latency);
      tx.setNode(p.node().name());
      tx.setInterfaceName(p.interfaceName());
      tx.setInterfaceIndex(p.interfaceIndex());
      tx.setIpVersion(4);
      tx.setClientAddr(ByteBuffer.wrap(pod.addressBytes()));
      tx.setServerAddr(ByteBuffer.wrap(server.addressBytes()));
      tx.setClientPort(port);
      tx.setServerPort(53);
      tx.setProtocol(17);
      tx.setTransactionId(traffic.nextInt(65_536));
      tx.setQueryName(name);
      tx.setQueryType(type);
      tx.setResponseCode(code);
      tx.setAnswerCount(answers.size());
      tx.setTruncated(false);
      tx.setAnswers(answers);
      tx.setAnswersTruncated(false);
      tx.setClient(pod.asClient());
      tx.setServer(server.asServer());
      return tx;
    }
  }

  private static List<DnsAnswer> answersA(ResolverZone.Answer answer) {
    return List.of(new DnsAnswer(ByteBuffer.wrap(Ipv4.bytes(answer.ipv4())), answer.ttlSeconds()));
  }

  private static List<DnsAnswer> answersAaaa(ResolverZone.Answer answer) {
    ByteBuffer v6 = ByteBuffer.allocate(16).putInt(0x2600_1F18).putInt(0).putInt(0).putInt(answer.ipv4()).flip();
    return List.of(new DnsAnswer(v6, answer.ttlSeconds()));
  }

  /** The flowtel.dns.v1 key of a pod's transactions: its namespace/workload, as the collector keys them. */
  static String key(NetworkPeer pod) {
    Workload w = pod.pod().workload();
    return w.namespace() + "/" + w.name();
  }

  private static String randomChars(SplitMix64 rnd, String alphabet, int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = alphabet.charAt(rnd.nextInt(alphabet.length()));
    }
    return new String(out);
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  @Override
  public String toString() {
    return "DnsSimulation[seed " + settings.seed() + ", " + specs.size() + " episodes, node domain " + Objects.toString(nodeDomain) + "]";
  }
}
