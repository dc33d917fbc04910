package dev.flowtel.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.ExternalPeer;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.Peer;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.recommend.PolicyRecommender;
import dev.flowtel.core.policy.recommend.RecommendOptions;
import dev.flowtel.core.policy.recommend.Recommendation;
import dev.flowtel.core.policy.whatif.EdgeChange;
import dev.flowtel.core.policy.whatif.PolicyReplay;
import dev.flowtel.core.policy.whatif.ReplayReport;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18's must-show on the simulator, with seeds nobody tuned on: policies recommended from a
 * clean day of flows allow every benign call-graph edge (judged with the real pods: labels, IPs,
 * named ports), agree with the simulator's own intended policies where those enforce, and deny
 * every anomaly episode's traffic when that is replayed through {@code what-if}, except traffic
 * that travels a benign edge itself (a burst over a usual edge, a scan hitting a port the scanner
 * legitimately uses), which no NetworkPolicy can tell apart.
 */
class RecommendedPoliciesOnSimulatorTest {

  /** A day with the daily curve compressed into 2 h of event time; 40 flows a second keeps it small. */
  private static SimulatorSettings day(long seed) {
    return SimulatorSettings.defaults().withSeed(seed).withNamespaces(4).withNodes(3).withPodsPerWorkload(2)
        .withFlowsPerSecond(40).withDuration(Duration.ofHours(2)).withTimeCompression(12).withEpisodesPerType(0);
  }

  /** The same cluster with one episode of every type in 16 minutes. */
  private static SimulatorSettings episodes(long seed) {
    return day(seed).withDuration(Duration.ofMinutes(16)).withEpisodesPerType(1).withEpisodeDuration(Duration.ofSeconds(40))
        .withTimeCompression(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 2024, 90210})
  void recommendedPoliciesAllowTheCallGraphAndDenyEveryEpisode(long seed) {
    ClusterSimulator clean = ClusterSimulator.of(day(seed));
    ClusterInventory inventory = SimulatedInventory.of(clean.cluster());
    ObservedHistory history = new ObservedHistory();
    long flows = 0;
    for (Iterator<LabeledFlow> it = clean.flows(); it.hasNext(); ) {
      history.add(it.next().flow());
      flows++;
    }
    List<ObservedEdge> observed = history.edges();
    Recommendation recommendation = PolicyRecommender.recommend(observed, inventory, List.of(), RecommendOptions.defaults());
    PolicySet recommended = recommendation.policySet(inventory.namespaces());
    PolicyEngine engine = PolicyEngine.of(recommended);
    PolicySet model = modelPolicies(clean);
    PolicyEngine modelEngine = PolicyEngine.of(model);

    // 1. Every call-graph edge observed (those with a non-trivial rate at least), every observed one allowed for real pods.
    Map<String, ObservedEdge> byKey = observed.stream().collect(Collectors.toMap(o -> o.edge().key(), o -> o));
    double seconds = day(seed).duration().toSeconds();
    int graphEdges = clean.callGraph().edges().size();
    int seen = 0;
    int judgedPairs = 0;
    int allowedPairs = 0;
    int crossChecked = 0;
    List<String> unseenBusy = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    List<String> disagreements = new ArrayList<>();
    for (CallEdge call : clean.callGraph().edges()) {
      ServiceEdge edge = serviceEdge(call);
      ObservedEdge o = byKey.get(edge.key());
      if (o == null || !o.established()) {
        if (call.connectionsPerSecond() * seconds >= 20) {
          unseenBusy.add(call.key() + " (" + Math.round(call.connectionsPerSecond() * seconds) + " connections expected)");
        }
        continue;
      }
      seen++;
      boolean enforced = call.clientWorkload() != null && clean.policies().defaultDeny(call.clientWorkload().namespace())
          || call.service() != null && clean.policies().defaultDeny(call.service().namespace());
      for (NetworkPeer client : call.clients()) {
        for (NetworkPeer server : call.servers()) {
          PolicyVerdict verdict = engine.evaluate(peer(client), peer(server), call.port().protocol(), call.port().port());
          judgedPairs++;
          if (verdict.allowed()) {
            allowedPairs++;
          } else {
            denied.add(call.key() + " " + client + " -> " + server + ": " + verdict.explain());
          }
          if (enforced) {
            crossChecked++;
            if (!modelEngine.evaluate(peer(client), peer(server), call.port().protocol(), call.port().port()).allowed()
                || !verdict.allowed()) {
              disagreements.add(call.key() + " " + client + " -> " + server);
            }
          }
        }
      }
    }
    System.out.printf("seed %d: %d flows, %d observed edges, %d policies, %d rules; call graph: %d of %d edges observed,"
            + " %d of %d pod/address pairs allowed by the recommended set, %d pairs in default-deny namespaces allowed by both"
            + " it and the simulator's own policies; skipped: %s%n", seed, flows, observed.size(),
        recommendation.policies().size(), recommendation.evidence().size(), seen, graphEdges, allowedPairs, judgedPairs,
        crossChecked - disagreements.size(), recommendation.skipped().stream()
            .collect(Collectors.groupingBy(s -> s.reason(), TreeMap::new, Collectors.counting())));
    assertThat(unseenBusy).as("busy call-graph edges never observed").isEmpty();
    assertThat(denied).as("benign call-graph pairs the recommended set denies").isEmpty();
    assertThat(allowedPairs).isEqualTo(judgedPairs).isPositive();
    assertThat(disagreements).as("pairs where the recommendation and the simulator's policies disagree").isEmpty();
    assertThat(crossChecked).isPositive();

    // 2. Every episode's traffic replayed through what-if against the recommended set: denied, unless it is a benign edge.
    ClusterSimulator attacked = ClusterSimulator.of(episodes(seed));
    assertThat(attacked.callGraph().edges()).extracting(CallEdge::key)
        .containsExactlyElementsOf(clean.callGraph().edges().stream().map(CallEdge::key).toList());
    Map<EpisodeType, ObservedHistory> byType = new EnumMap<>(EpisodeType.class);
    for (Iterator<LabeledFlow> it = attacked.flows(); it.hasNext(); ) {
      LabeledFlow flow = it.next();
      if (!flow.clean()) {
        byType.computeIfAbsent(flow.label().type(), t -> new ObservedHistory()).add(flow.flow());
      }
    }
    Set<String> benign = new HashSet<>();
    PolicyReplay.replay(observed, inventory, model, recommended).changes().forEach(c -> benign.add(changeKey(c)));
    StringBuilder counts = new StringBuilder();
    List<String> allowedAttacks = new ArrayList<>();
    for (Map.Entry<EpisodeType, ObservedHistory> entry : byType.entrySet()) {
      ReplayReport report = PolicyReplay.replay(entry.getValue().edges(), inventory, model, recommended);
      int deniedEdges = 0;
      int onBenignEdges = 0;
      for (EdgeChange change : report.changes()) {
        if (benign.contains(changeKey(change))) {
          onBenignEdges++;
        } else if (change.deniedByProposal()) {
          deniedEdges++;
        } else {
          allowedAttacks.add(entry.getKey() + " " + change);
        }
      }
      counts.append(String.format("%n  %-16s %4d edges: %4d denied, %d on a benign edge (%s)", entry.getKey(),
          report.changes().size(), deniedEdges, onBenignEdges, report.counts()));
    }
    System.out.printf("seed %d: episode traffic replayed against the recommended set:%s%n", seed, counts);
    assertThat(byType.keySet()).contains(EpisodeType.PORT_SCAN, EpisodeType.IP_SWEEP, EpisodeType.POLICY_VIOLATION,
        EpisodeType.EXTERNAL_EGRESS, EpisodeType.DENIED_SPIKE, EpisodeType.NEW_EDGE);
    assertThat(allowedAttacks).as("episode edges off the call graph that the recommended set allows").isEmpty();
  }

  private static String changeKey(EdgeChange change) {
    return change.source() + ">" + change.destination() + ":" + change.port() + "/" + change.protocol();
  }

  /** The service edge the pipeline puts a call-graph edge's flows on. */
  private static ServiceEdge serviceEdge(CallEdge call) {
    EdgeEnd client = call.clientWorkload() == null ? EdgeEnd.external(NetworkClass.PUBLIC)
        : new EdgeEnd(call.clientWorkload().namespace(), call.clientWorkload().kind().kubernetesName(),
            call.clientWorkload().name(), NetworkClass.POD);
    EdgeEnd server = call.service() == null ? EdgeEnd.external(call.servers().get(0).external().networkClass())
        : new EdgeEnd(call.service().namespace(), EdgeEnd.SERVICE, call.service().name(), NetworkClass.SERVICE);
    return new ServiceEdge(client, server, call.port().port(), call.port().protocolNumber());
  }

  /** A real pod of the simulator (labels, IP, named ports), or an external host's address. */
  private static Peer peer(NetworkPeer peer) {
    IpAddress ip = IpAddress.ofIpv4(peer.address());
    if (!peer.inCluster()) {
      return new ExternalPeer(ip);
    }
    Workload w = peer.pod().workload();
    Map<String, ContainerPort> named = new HashMap<>();
    w.ports().forEach(p -> named.put(p.name(), p));
    return new PodInfo(w.namespace(), peer.pod().name(), w.labels(), ip, named, false);
  }

  /** The simulator's intended policies as the engine reads them from the cluster-state topic. */
  private static PolicySet modelPolicies(ClusterSimulator simulator) {
    PolicySet set = PolicySet.empty();
    for (ClusterStateRecord record : simulator.clusterState()) {
      set = ClusterStatePolicies.apply(set, record.key(), record.value());
    }
    return set;
  }
}
