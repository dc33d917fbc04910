package dev.flowtel.simulator.injection;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.callgraph.CallGraph;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Node;
import dev.flowtel.simulator.cluster.Role;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.DeniedWindow;
import dev.flowtel.simulator.flow.FlowWriter.ProbeAnswer;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.policy.PolicyModel;
import dev.flowtel.simulator.random.SplitMix64;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns episode specs into episodes: schedules the automatic ones, picks targets the seed decides
 * when the spec names none (preferring targets that make the episode unambiguous, e.g. NEW_EDGE
 * between workloads the policies let talk), and writes each ground-truth label.
 */
public final class EpisodePlanner {

  private static final Set<Role> APPLICATION_ROLES = Set.of(Role.FRONTEND, Role.API, Role.WORKER);
  private static final Set<Role> SERVED_ROLES = Set.of(Role.FRONTEND, Role.API, Role.DATABASE, Role.CACHE, Role.QUEUE);
  private static final int SWEEP_PORT = 6379;

  private final SimulatorSettings settings;
  private final Cluster cluster;
  private final CallGraph graph;
  private final PolicyModel policies;
  private final SplitMix64 random;

  private EpisodePlanner(SimulatorSettings settings, Cluster cluster, CallGraph graph, PolicyModel policies, SplitMix64 random) {
    this.settings = settings;
    this.cluster = cluster;
    this.graph = graph;
    this.policies = policies;
    this.random = random;
  }

  public static List<Episode> plan(SimulatorSettings settings, Cluster cluster, CallGraph graph, PolicyModel policies,
      SplitMix64 random) {
    return new EpisodePlanner(settings, cluster, graph, policies, random).plan();
  }

  /** The automatic schedule: every type {@code episodesPerType} times, evenly between 20% and 90% of the run. */
  static List<EpisodeSpec> automatic(SimulatorSettings settings) {
    List<EpisodeSpec> specs = new ArrayList<>();
    EpisodeType[] types = EpisodeType.values();
    int count = types.length * settings.episodesPerType();
    long duration = settings.duration().toNanos();
    for (int i = 0; i < count; i++) {
      long offset = (long) (duration * 0.2 + duration * 0.7 * i / count);
      specs.add(new EpisodeSpec(types[i % types.length], Duration.ofNanos(offset), settings.episodeDuration(), null));
    }
    return specs;
  }

  private List<Episode> plan() {
    List<EpisodeSpec> specs = new ArrayList<>(automatic(settings));
    specs.addAll(settings.episodes());
    List<Episode> episodes = new ArrayList<>();
    for (EpisodeSpec spec : specs) {
      String id = String.format(Locale.ROOT, "ep-%02d-%s", episodes.size() + 1, spec.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      Episode episode = plan(id, spec, random.fork(episodes.size() + 1));
      if (episode != null) {
        episodes.add(episode);
      } else if (spec.target() != null || settings.episodes().contains(spec)) {
        throw new IllegalArgumentException("episode " + spec + ": no suitable target in this cluster (e.g. POLICY_VIOLATION,"
            + " DENIED_SPIKE and POLICY_CHANGE need a default-deny namespace: lower openNamespaces)");
      }
    }
    return episodes;
  }

  private Episode plan(String id, EpisodeSpec spec, SplitMix64 rnd) {
    Instant start = settings.start().plus(spec.startOffset());
    Instant end = start.plus(spec.duration());
    long from = nanos(start);
    long to = nanos(end);
    Workload target = spec.target() == null ? null : cluster.workload(spec.target());
    switch (spec.type()) {
      case PORT_SCAN: {
        Workload source = target != null ? target : pickSource(rnd);
        List<Workload> victims = cluster.workloads().stream()
            .filter(w -> w != source && (w.role() == Role.DATABASE || w.role() == Role.CACHE)).toList();
        if (victims.isEmpty()) {
          victims = cluster.workloads().stream().filter(w -> w != source && SERVED_ROLES.contains(w.role())).toList();
        }
        Workload victim = victims.get(rnd.nextInt(victims.size()));
        NetworkPeer victimPod = pick(cluster.pods(victim), rnd);
        NetworkPeer scanner = pick(cluster.pods(source), rnd);
        List<Integer> ports = new ArrayList<>();
        for (int p = 1; p <= 1024; p++) {
          ports.add(p);
        }
        victim.ports().stream().map(ContainerPort::port).filter(p -> p > 1024).forEach(ports::add);
        shuffle(ports, rnd);
        List<ProbeEpisode.Target> targets = new ArrayList<>();
        for (int port : ports) {
          boolean open = victim.ports().stream().anyMatch(c -> c.port() == port && c.protocol() == Protocol.TCP);
          targets.add(new ProbeEpisode.Target(victimPod, open ? victimPod.asServer() : victimPod.asClient(), port,
              open ? ProbeAnswer.OPEN : ProbeAnswer.CLOSED, CallEdgeKeys.scan(source, victimPod, port)));
        }
        String destination = victim.namespace() + "/" + victimPod.pod().name() + " " + Ipv4.format(victimPod.address());
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, source.id(), destination,
            "pod " + scanner.pod().name() + " probes " + ports.size() + " TCP ports of " + destination
                + " with SYNs; closed ports answer RST, open ones SYN-ACK");
        return new Episode(label, new ProbeEpisode(label, scanner, 32768 + rnd.nextInt(28232), targets, from, to),
            List.of(), List.of());
      }
      case IP_SWEEP: {
        Workload source = target != null ? target : pickSource(rnd);
        NetworkPeer scanner = pick(cluster.pods(source), rnd);
        List<ProbeEpisode.Target> targets = new ArrayList<>();
        String key = source.id() + ">" + "sweep/" + "10.244.0.0/16:" + SWEEP_PORT + "/6";
        for (Node node : cluster.nodes()) {
          for (int host = 1; host <= 254; host++) {
            int address = node.podSubnet() + host;
            if (address == scanner.address()) {
              continue;
            }
            NetworkPeer peer = cluster.peerAt(address).orElse(null);
            if (peer == null) {
              targets.add(new ProbeEpisode.Target(NetworkPeer.unassigned(address), NetworkPeer.unassigned(address).asClient(),
                  SWEEP_PORT, ProbeAnswer.SILENT, key));
            } else {
              boolean open = peer.pod().workload().ports().stream().anyMatch(c -> c.port() == SWEEP_PORT);
              targets.add(new ProbeEpisode.Target(peer, open ? peer.asServer() : peer.asClient(), SWEEP_PORT,
                  open ? ProbeAnswer.OPEN : ProbeAnswer.CLOSED, key));
            }
          }
        }
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, source.id(),
            Cluster.POD_CIDR + ":" + SWEEP_PORT, "pod " + scanner.pod().name() + " sends one SYN to port " + SWEEP_PORT
                + " of each of " + targets.size() + " addresses of the pod CIDR; pods answer, empty addresses stay silent");
        return new Episode(label, new ProbeEpisode(label, scanner, 32768 + rnd.nextInt(28232), targets, from, to),
            List.of(), List.of());
      }
      case VOLUME_BURST: {
        Workload source = target;
        CallEdge edge;
        if (source == null) {
          List<CallEdge> external = graph.edges().stream().filter(e -> e.toExternal() && e.clientWorkload() != null
              && APPLICATION_ROLES.contains(e.clientWorkload().role())).toList();
          edge = external.isEmpty() ? graph.edges().stream().filter(e -> e.clientWorkload() != null
              && APPLICATION_ROLES.contains(e.clientWorkload().role()) && !e.shape().name().equals("dns")).findFirst().orElseThrow()
              : external.get(rnd.nextInt(external.size()));
          source = edge.clientWorkload();
        } else {
          Workload s = source;
          edge = graph.edgesFrom(s).stream().filter(CallEdge::toExternal).findFirst()
              .orElseGet(() -> graph.edgesFrom(s).stream().filter(e -> !e.shape().name().equals("dns")).findFirst()
                  .orElseThrow(() -> new IllegalArgumentException("VOLUME_BURST target " + s.id() + " calls nothing but DNS")));
        }
        double seconds = spec.duration().toNanos() / 1e9;
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, source.id(),
            edge.serverId() + ":" + edge.port().port(), "3 connections from " + source.id() + " upload 20 MB/s each to "
                + edge.serverId() + " over its usual edge, about " + Math.round(60 * seconds) + " MB in total");
        return new Episode(label, new ConnectionEpisode(label, cluster.pods(source), edge.servers(), edge.port().port(),
            edge.port().protocolNumber(), 0, 3, 0, 5_000, 20_000_000, 2_000, 20_000, Math.max(200, edge.shape().rttMicros()),
            edge.key(), from, to, rnd), List.of(), List.of());
      }
      case NEW_EDGE:
      case POLICY_VIOLATION:
      case DENIED_SPIKE: {
        boolean wantAllowed = spec.type() == EpisodeType.NEW_EDGE;
        List<Workload[]> pairs = new ArrayList<>();
        for (Workload client : cluster.workloads()) {
          if (!APPLICATION_ROLES.contains(client.role()) || (target != null && client != target)) {
            continue;
          }
          for (Service service : cluster.services()) {
            Workload server = service.backend();
            if (server == client || !SERVED_ROLES.contains(server.role()) || graph.calls(client, service.id())) {
              continue;
            }
            if (policies.allows(client, server, service.id()) == wantAllowed) {
              pairs.add(new Workload[] {client, server});
            }
          }
        }
        if (pairs.isEmpty() && wantAllowed) {
          return null;
        }
        if (pairs.isEmpty()) {
          return null;
        }
        Workload[] pair = pairs.get(rnd.nextInt(pairs.size()));
        Workload client = pair[0];
        Service service = cluster.serviceOf(pair[1]).orElseThrow();
        ContainerPort port = pair[1].ports().get(0);
        String key = dev.flowtel.simulator.callgraph.CallEdge.key(client.id(), service.id(), port.port(), port.protocolNumber());
        String destination = service.id() + ":" + port.port();
        if (spec.type() == EpisodeType.DENIED_SPIKE) {
          GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, client.id(), destination,
              client.id() + " tries " + destination + " about 40 times a second; the policies deny it, every SYN is DROPPED");
          return new Episode(label, new DeniedSpikeEpisode(label, cluster.pods(client), cluster.pods(pair[1]), port.port(), 40,
              key, from, to, rnd), List.of(), List.of());
        }
        String why = wantAllowed ? "a call it never made before; the NetworkPolicies allow it"
            : "a call the NetworkPolicies deny, yet observed FORWARDED";
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, client.id(), destination,
            client.id() + " calls " + destination + " about 3 times a second: " + why);
        return new Episode(label, new ConnectionEpisode(label, cluster.pods(client), cluster.pods(pair[1]), port.port(), 6,
            3, 0, 0.3, 800, 0, 6_000, 0, 400, key, from, to, rnd), List.of(), List.of());
      }
      case EXTERNAL_EGRESS: {
        NetworkPeer destination = cluster.external(rnd.nextInt(2) == 0 ? "unknown-host" : "paste-site");
        Workload source = target;
        if (source == null) {
          List<Workload> candidates = cluster.workloads().stream().filter(w -> APPLICATION_ROLES.contains(w.role())
              && policies.allows(w, null, destination.id())).toList();
          if (candidates.isEmpty()) {
            candidates = cluster.workloads().stream().filter(w -> APPLICATION_ROLES.contains(w.role())).toList();
          }
          source = candidates.get(rnd.nextInt(candidates.size()));
        }
        String key = dev.flowtel.simulator.callgraph.CallEdge.key(source.id(), destination.id(), 443, 6);
        String where = Ipv4.format(destination.address()) + ":443";
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, source.id(), where,
            source.id() + " opens HTTPS connections to " + where + " (" + destination.external().description()
                + "), about one a second, uploading ~50 kB each");
        return new Episode(label, new ConnectionEpisode(label, cluster.pods(source), List.of(destination), 443, 6, 1, 0, 2,
            50_000, 0, 5_000, 0, 45_000, key, from, to, rnd), List.of(), List.of());
      }
      case POLICY_CHANGE: {
        List<Workload> servers = cluster.workloads().stream()
            .filter(w -> (target == null || w == target) && policies.defaultDeny(w.namespace())
                && policies.policy(w.namespace(), PolicyModel.ingressPolicyName(w)).isPresent()
                && graph.edgesTo(w).stream().anyMatch(e -> e.shape().meanSeconds() < 5))
            .toList();
        if (servers.isEmpty()) {
          return null;
        }
        Workload server = servers.get(rnd.nextInt(servers.size()));
        NetworkPolicyState policy = policies.policy(server.namespace(), PolicyModel.ingressPolicyName(server)).orElseThrow();
        String key = ClusterStateRecord.networkPolicyKey(policy.getNamespace(), policy.getName());
        GroundTruthLabel label = new GroundTruthLabel(id, spec.type(), start, end, null, server.id(),
            "NetworkPolicy " + policy.getNamespace() + "/" + policy.getName() + " is deleted at the start and restored at the"
                + " end; meanwhile new connections to " + server.id() + " are DROPPED (open ones carry on)");
        ClusterStateRecord restored = PolicyModel.record(policy, end, "2");
        List<ClusterStateRecord> changes = List.of(new ClusterStateRecord(key, null, start, label),
            new ClusterStateRecord(restored.key(), restored.value(), end, label));
        List<DeniedWindow> windows = graph.edgesTo(server).stream().map(e -> new DeniedWindow(e.index(), from, to, label)).toList();
        return new Episode(label, null, changes, windows);
      }
      default:
        throw new IllegalStateException("unhandled episode type " + spec.type());
    }
  }

  private Workload pickSource(SplitMix64 rnd) {
    List<Workload> candidates = cluster.workloads().stream()
        .filter(w -> w.role() == Role.FRONTEND || w.role() == Role.API).toList();
    return candidates.get(rnd.nextInt(candidates.size()));
  }

  private static NetworkPeer pick(List<NetworkPeer> peers, SplitMix64 rnd) {
    return peers.get(rnd.nextInt(peers.size()));
  }

  private static <T> void shuffle(List<T> list, SplitMix64 rnd) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** Kafka keys for probe flows, one per scanned port so each probed port is its own edge. */
  private static final class CallEdgeKeys {
    static String scan(Workload source, NetworkPeer victim, int port) {
      return source.id() + ">" + victim.id() + ":" + port + "/6";
    }
  }
}
