package dev.flowtel.simulator.episode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.Verdict;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.simulator.flow.FlowWriter;
import dev.flowtel.simulator.flow.TcpFlags;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Given one episode of each type in the small cluster, each label's flows look like its anomaly. */
class EpisodeFlowsTest {

  private static ClusterSimulator simulator;
  private static Map<EpisodeType, GroundTruthLabel> labels;
  private static Map<String, List<LabeledFlow>> flowsByLabel;
  private static List<LabeledFlow> clean;
  private static List<ClusterStateRecord> states;

  @BeforeAll
  static void run() {
    SimulatorSettings settings = SimulatorSettings.defaults().withNamespaces(3).withNodes(3).withPodsPerWorkload(2)
        .withFlowsPerSecond(2_000).withDuration(Duration.ofMinutes(6)).withEpisodeDuration(Duration.ofSeconds(30));
    simulator = ClusterSimulator.of(settings);
    labels = simulator.episodes().stream().collect(Collectors.toMap(GroundTruthLabel::type, l -> l));
    flowsByLabel = new HashMap<>();
    clean = new ArrayList<>();
    states = new ArrayList<>();
    simulator.run(new dev.flowtel.simulator.flow.SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        if (label == null) {
          clean.add(new LabeledFlow(flow, edgeKey, null));
        } else {
          flowsByLabel.computeIfAbsent(label.id(), k -> new ArrayList<>()).add(new LabeledFlow(flow, edgeKey, label));
        }
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        states.add(record);
      }
    });
  }

  @Test
  void everyTypeIsScheduledOnceInsideTheRun() {
    assertThat(labels).containsOnlyKeys(EpisodeType.values());
    assertThat(simulator.episodes()).extracting(GroundTruthLabel::id)
        .containsExactly("ep-01-port-scan", "ep-02-ip-sweep", "ep-03-volume-burst", "ep-04-new-edge",
            "ep-05-policy-violation", "ep-06-denied-spike", "ep-07-external-egress", "ep-08-policy-change");
    GroundTruthLabel first = simulator.episodes().get(0);
    assertThat(first.start()).isEqualTo(simulator.settings().start().plus(Duration.ofSeconds(72)));
    assertThat(first.end()).isEqualTo(first.start().plus(Duration.ofSeconds(30)));
  }

  @Test
  void everyLabelledFlowEndsInsideItsEpisode() {
    flowsByLabel.values().forEach(list -> list.forEach(f -> {
      GroundTruthLabel label = f.label();
      assertThat(f.flow().getFlowStart()).isAfterOrEqualTo(label.start().minusSeconds(5));
      assertThat(f.flow().getFlowEnd()).isBefore(label.end().plusSeconds(5));
    }));
  }

  @Test
  void portScanIsOneSourceOneTargetManyPortsMostlyAnsweredByReset() {
    List<FlowEvent> requests = requests(EpisodeType.PORT_SCAN);
    assertThat(distinct(requests, f -> address(f.getSrcAddr()))).hasSize(1);
    assertThat(distinct(requests, f -> address(f.getDstAddr()))).hasSize(1);
    assertThat(distinct(requests, FlowEvent::getDstPort)).hasSize(1025);
    assertThat(requests).allSatisfy(f -> assertThat(f.getTcpFlags() & ~TcpFlags.RST).isEqualTo(TcpFlags.SYN));
    List<FlowEvent> replies = replies(EpisodeType.PORT_SCAN);
    long resets = replies.stream().filter(f -> f.getTcpFlags() == (TcpFlags.RST | TcpFlags.ACK)).count();
    assertThat(resets).isGreaterThan(replies.size() * 9 / 10);
    assertThat(requests.get(0).getSource().getWorkloadName()).isEqualTo(workloadName(labels.get(EpisodeType.PORT_SCAN).sourceWorkload()));
  }

  @Test
  void ipSweepIsOnePortOnManyAddressesMostlyUnanswered() {
    List<FlowEvent> requests = requests(EpisodeType.IP_SWEEP);
    assertThat(distinct(requests, f -> address(f.getSrcAddr()))).hasSize(1);
    assertThat(distinct(requests, FlowEvent::getDstPort)).containsExactly(6379);
    assertThat(distinct(requests, f -> address(f.getDstAddr()))).hasSize(3 * 254 - 1);
    assertThat(requests.stream().filter(f -> f.getDestination().getKind() == EndpointKind.UNKNOWN).count())
        .isGreaterThan(600);
  }

  @Test
  void volumeBurstMovesTensOfMegabytesPerIntervalOnAUsualEdge() {
    List<LabeledFlow> flows = flowsByLabel.get(labels.get(EpisodeType.VOLUME_BURST).id());
    Set<String> modelled = simulator.callGraph().edges().stream().map(CallEdge::key).collect(Collectors.toSet());
    assertThat(flows).allSatisfy(f -> assertThat(modelled).contains(f.edgeKey()));
    assertThat(flows.stream().mapToLong(f -> f.flow().getBytes()).max().orElse(0)).isGreaterThan(50_000_000L);
  }

  @Test
  void newEdgeIsACallOutsideTheCallGraphThatPoliciesAllow() {
    GroundTruthLabel label = labels.get(EpisodeType.NEW_EDGE);
    List<LabeledFlow> flows = flowsByLabel.get(label.id());
    Set<String> modelled = simulator.callGraph().edges().stream().map(CallEdge::key).collect(Collectors.toSet());
    assertThat(flows).isNotEmpty().allSatisfy(f -> {
      assertThat(modelled).doesNotContain(f.edgeKey());
      assertThat(f.flow().getVerdict()).isEqualTo(Verdict.FORWARDED);
    });
    Workload client = simulator.cluster().workload(label.sourceWorkload());
    String serviceId = label.destination().substring(0, label.destination().indexOf(':'));
    Workload server = simulator.cluster().services().stream().filter(s -> s.id().equals(serviceId)).findFirst().orElseThrow().backend();
    assertThat(simulator.policies().allows(client, server, serviceId)).isTrue();
  }

  @Test
  void policyViolationIsDeniedTrafficObservedForwarded() {
    GroundTruthLabel label = labels.get(EpisodeType.POLICY_VIOLATION);
    assertThat(flowsByLabel.get(label.id())).isNotEmpty()
        .allSatisfy(f -> assertThat(f.flow().getVerdict()).isEqualTo(Verdict.FORWARDED));
    Workload client = simulator.cluster().workload(label.sourceWorkload());
    String serviceId = label.destination().substring(0, label.destination().indexOf(':'));
    Workload server = simulator.cluster().services().stream().filter(s -> s.id().equals(serviceId)).findFirst().orElseThrow().backend();
    assertThat(simulator.policies().allows(client, server, serviceId)).isFalse();
  }

  @Test
  void deniedSpikeIsManyDroppedSyns() {
    List<LabeledFlow> flows = flowsByLabel.get(labels.get(EpisodeType.DENIED_SPIKE).id());
    assertThat(flows).hasSizeGreaterThan(30 * 30).allSatisfy(f -> {
      assertThat(f.flow().getVerdict()).isEqualTo(Verdict.DROPPED);
      assertThat(f.flow().getDrops()).isEqualTo(f.flow().getPackets()).isPositive();
      assertThat(f.flow().getDropReason()).isEqualTo(FlowWriter.DROP_REASON);
      assertThat(f.flow().getTcpFlags()).isEqualTo(TcpFlags.SYN);
    });
  }

  @Test
  void externalEgressGoesToAPublicAddressNoCleanFlowUses() {
    GroundTruthLabel label = labels.get(EpisodeType.EXTERNAL_EGRESS);
    List<FlowEvent> requests = requests(EpisodeType.EXTERNAL_EGRESS);
    assertThat(requests).isNotEmpty().allSatisfy(f -> {
      assertThat(f.getDestination().getKind()).isEqualTo(EndpointKind.EXTERNAL);
      assertThat(f.getDestination().getNetworkClass()).isEqualTo(NetworkClass.PUBLIC);
      assertThat(f.getDstPort()).isEqualTo(443);
    });
    Set<String> used = clean.stream().map(f -> address(f.flow().getDstAddr())).collect(Collectors.toSet());
    assertThat(used).doesNotContain(label.destination().substring(0, label.destination().indexOf(':')));
  }

  @Test
  void policyChangeDeletesThePolicyAtItsStartRestoresItAtItsEndAndDropsNewConnectionsMeanwhile() {
    GroundTruthLabel label = labels.get(EpisodeType.POLICY_CHANGE);
    List<ClusterStateRecord> changes = states.stream().filter(s -> s.label() != null).toList();
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0).tombstone()).isTrue();
    assertThat(changes.get(0).at()).isEqualTo(label.start());
    assertThat(changes.get(0).key()).startsWith("NetworkPolicy/").endsWith("-ingress");
    assertThat(changes.get(1).key()).isEqualTo(changes.get(0).key());
    assertThat(changes.get(1).value().getObservedAt()).isEqualTo(label.end());
    assertThat(flowsByLabel.get(label.id())).isNotEmpty().allSatisfy(f -> {
      assertThat(f.flow().getVerdict()).isEqualTo(Verdict.DROPPED);
      assertThat(f.flow().getDestination().getWorkloadName()).isEqualTo(workloadName(label.destination()));
    });
  }

  private static List<FlowEvent> requests(EpisodeType type) {
    return flowsByLabel.get(labels.get(type).id()).stream().map(LabeledFlow::flow).filter(f -> f.getSrcPort() >= 32768)
        .filter(f -> f.getDirection() == dev.flowtel.schema.Direction.INGRESS).toList();
  }

  private static List<FlowEvent> replies(EpisodeType type) {
    return flowsByLabel.get(labels.get(type).id()).stream().map(LabeledFlow::flow).filter(f -> f.getDstPort() >= 32768)
        .filter(f -> f.getDirection() == dev.flowtel.schema.Direction.INGRESS).toList();
  }

  private static <T> Set<T> distinct(List<FlowEvent> flows, java.util.function.Function<FlowEvent, T> f) {
    return flows.stream().map(f).collect(Collectors.toSet());
  }

  private static String address(ByteBuffer buffer) {
    return dev.flowtel.simulator.cluster.Ipv4.format(buffer.duplicate().getInt());
  }

  private static String workloadName(String id) {
    return id.substring(id.indexOf('/') + 1);
  }
}
