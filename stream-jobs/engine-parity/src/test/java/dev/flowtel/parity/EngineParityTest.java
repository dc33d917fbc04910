package dev.flowtel.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.streams.ScriptedDns;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.policy.SimulatedInventory;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.testing.FinalRevisions;
import dev.flowtel.streams.testing.Meanwhile;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given one recorded input from the simulator (40 minutes of a cluster, every observation point and
 * both directions of every connection, out of order within the simulator's bound, flows moved
 * later so that some revise their windows and some are too late, the cluster state with a policy
 * deleted and restored mid-stream, and an episode of every anomaly type after a 10-minute learning
 * period), when it runs through the Flink jobs on a MiniCluster and through the Kafka Streams
 * topology in a TopologyTestDriver, then the ServiceTraffic records and the PolicyAnomaly records,
 * each taken at its final revision, are the same sets, and the same number of flows is
 * dead-lettered as late. Revision numbers themselves are left out: Flink also emits watermarks
 * periodically on processing time, so how many revisions a window or anomaly went through can vary
 * from run to run; what they end at cannot.
 */
@Timeout(900)
class EngineParityTest {

  static final Instant START = Instant.parse("2026-11-20T08:00:00Z");

  @Test
  void bothEnginesGiveTheSameTrafficAndAnomaliesAfterFinalRevisions() throws Exception {
    List<EpisodeSpec> episodes = new ArrayList<>();
    EpisodeType[] types = EpisodeType.values();
    for (int i = 0; i < types.length; i++) {
      episodes.add(new EpisodeSpec(types[i], Duration.ofMinutes(15).plusSeconds(150L * i), Duration.ofMinutes(1), null));
    }
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(4242).withFlowsPerSecond(30)
        .withDuration(Duration.ofMinutes(40)).withStart(START).withEpisodes(episodes);
    RecordedInput recorded = RecordedInput.of(settings, 400, 20_000, 90_000, 5_000, 30_000, new long[] {10_000, 60_000});
    // A default-deny of ingress staged 12 minutes in, in the busiest namespace that no policy isolates (where it
    // changes verdicts: policies add up, so in an isolated namespace it would deny only what is denied already).
    StagedDefaultDeny staged = StagedDefaultDeny.inBusiestNamespace(podFlowsByNamespace(recorded, namespacesWithPolicies(recorded)),
        START.plus(Duration.ofMinutes(12)));
    RecordedInput input = new RecordedInput(recorded.flows(), staged.addedTo(recorded.clusterState()), recorded.delayed());

    String[] common = {"--max-out-of-orderness", "5s", "--allowed-lateness", "30s", "--window", "10s", "--rollup", "1m"};
    String[] detection = {"--max-out-of-orderness", "5s", "--learning-period", "10m", "--window", "10s", "--allowed-lateness", "30s"};
    // The engines share nothing but the recorded input, which no one changes: Flink runs on a thread
    // of its own while the TopologyTestDriver runs on this one.
    long started = System.nanoTime();
    CompletableFuture<FlinkRun.Result> flinkRun = Meanwhile.run("flink-run", () -> {
      FlinkRun.Result result = FlinkRun.run(input, concat(common, "--restart-attempts", "0"),
          concat(detection, "--restart-attempts", "0"));
      System.out.printf("Flink done in %.1f s%n", (System.nanoTime() - started) / 1e9);
      return result;
    });
    List<ServiceTraffic> streamsTraffic;
    List<PolicyAnomaly> streamsAnomalies;
    List<StagedPolicyVerdict> streamsStaged;
    long streamsLate;
    try (Driver app = new Driver(concat(common, "--learning-period", "10m"))) {
      input.clusterState().forEach(r -> app.clusterState(r.key().getBytes(StandardCharsets.UTF_8),
          r.value() == null ? null : dev.flowtel.wire.WireCodec.of(dev.flowtel.wire.RecordType.CLUSTER_STATE).encode(r.value()),
          r.at()));
      input.flows().forEach(f -> app.flow(f.key(), f.value()));
      app.finish();
      streamsTraffic = app.traffic();
      streamsAnomalies = app.anomalies();
      streamsStaged = app.stagedVerdicts();
      streamsLate = app.deadLetters().stream().filter(r -> "late".equals(header(r.headers().lastHeader(DeadLetterHeaders.REASON))))
          .count();
    }

    System.out.printf("Kafka Streams done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    FlinkRun.Result flink = flinkRun.get(600, TimeUnit.SECONDS);
    // The input covers what the parity is about.
    long flinkLate = flink.deadLetters().stream().filter(d -> d.reason().equals("late")).count();
    assertThat(input.delayed()).isGreaterThan(20);
    assertThat(input.clusterState().stream().filter(r -> r.at().isAfter(START))).isNotEmpty();
    assertThat(flinkLate).isPositive();
    assertThat(flink.traffic()).anySatisfy(t -> assertThat(t.getRevision()).isPositive());
    // The port scan and IP sweep episodes: failed attempts on folded edges, after Kafka Streams' repartition.
    assertThat(flink.traffic()).anySatisfy(t -> assertThat(t.getDistinctDestinationPorts()).isGreaterThan(10));
    assertThat(flink.traffic()).anySatisfy(t -> assertThat(t.getDistinctDestinationAddresses()).isGreaterThan(10));
    Set<AnomalyType> found = flink.anomalies().stream().map(PolicyAnomaly::getType)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(AnomalyType.class)));
    System.out.printf("parity input: %d records, %d moved later, %d cluster-state records; Flink: %d traffic records, "
        + "%d anomaly revisions %s, %d late; Kafka Streams: %d traffic records, %d anomaly revisions, %d late%n",
        input.flows().size(), input.delayed(), input.clusterState().size(), flink.traffic().size(), flink.anomalies().size(),
        found, flinkLate, streamsTraffic.size(), streamsAnomalies.size(), streamsLate);
    assertThat(found).as("anomaly types the input provokes").containsAll(EnumSet.complementOf(EnumSet.of(AnomalyType.UNKNOWN, AnomalyType.NXDOMAIN_SPIKE, AnomalyType.DNS_TUNNEL)));

    Map<String, ServiceTraffic> flinkFinal = FinalRevisions.traffic(flink.traffic());
    Map<String, ServiceTraffic> streamsFinal = FinalRevisions.traffic(streamsTraffic);
    assertThat(streamsFinal.keySet()).isEqualTo(flinkFinal.keySet());
    assertThat(differences(streamsFinal, flinkFinal, WireCodec.of(RecordType.SERVICE_TRAFFIC))).isEmpty();
    assertThat(streamsLate).isEqualTo(flinkLate);

    Map<String, PolicyAnomaly> flinkAnomalies = FinalRevisions.anomalies(flink.anomalies());
    Map<String, PolicyAnomaly> streamsAnomaliesFinal = FinalRevisions.anomalies(streamsAnomalies);
    assertThat(streamsAnomaliesFinal.keySet()).isEqualTo(flinkAnomalies.keySet());
    assertThat(differences(streamsAnomaliesFinal, flinkAnomalies, WireCodec.of(RecordType.POLICY_ANOMALY))).isEmpty();

    // The staged default-deny: the same verdicts from both engines, one per policy, edge and window,
    // and over the period the same would-deny and newly denied connections as what-if reports.
    Map<String, StagedPolicyVerdict> flinkStaged = byKey(flink.stagedVerdicts());
    Map<String, StagedPolicyVerdict> streamsStagedByKey = byKey(streamsStaged);
    assertThat(flinkStaged).as("staged verdicts of the default-deny in %s", staged.namespace()).isNotEmpty();
    assertThat(flinkStaged.values()).allSatisfy(v -> assertThat(v.getPolicyNamespace()).isEqualTo(staged.namespace()));
    assertThat(streamsStagedByKey.keySet()).isEqualTo(flinkStaged.keySet());
    assertThat(differences(streamsStagedByKey, flinkStaged, WireCodec.of(RecordType.STAGED_POLICY_VERDICT))).isEmpty();
    Instant until = START.plus(Duration.ofMinutes(38));
    long[] stagedTotals = staged.stagedTotals(flinkStaged.values(), until);
    long[] whatIf = staged.whatIfTotals(flinkFinal.values(), 10_000, until,
        SimulatedInventory.of(ClusterSimulator.of(settings).cluster()), input.clusterState());
    System.out.printf("staged default-deny in %s: %d verdict records; would deny %d connections (%d newly), what-if %d (%d newly)%n",
        staged.namespace(), flinkStaged.size(), stagedTotals[0], stagedTotals[1], whatIf[0], whatIf[1]);
    assertThat(stagedTotals[0]).as("would-deny connections").isPositive().isEqualTo(whatIf[0]);
    assertThat(stagedTotals[1]).as("newly denied connections").isPositive().isEqualTo(whatIf[1]);
  }

  /**
   * Given 40 minutes of DNS transactions of five workloads (an NXDOMAIN spike and a tunnel among them,
   * queries a little out of order, some moved within and some beyond the allowed lateness), when they
   * run through both Flink jobs and through the Kafka Streams app, then the DnsActivity rows at their
   * final revisions and the DNS anomalies at theirs are the same, byte for byte, and the same queries
   * are dead-lettered as late.
   */
  @Test
  void bothEnginesGiveTheSameDnsActivityAndDnsAnomaliesAfterFinalRevisions() throws Exception {
    RecordedDns input = RecordedDns.of(START, 1919, 97);
    String[] dns = {"--max-out-of-orderness", "5s", "--allowed-lateness", "30s", "--dns-window", "1m",
        "--dns-names-per-window", "40"};
    String[] detection = {"--max-out-of-orderness", "5s", "--learning-period", "10m", "--allowed-lateness", "30s"};
    CompletableFuture<FlinkRun.DnsResult> flinkRun = Meanwhile.run("flink-dns-run", () -> FlinkRun.runDns(
        input.transactions(), concat(dns, "--restart-attempts", "0"), concat(detection, "--restart-attempts", "0")));
    List<DnsActivity> streamsActivity;
    List<PolicyAnomaly> streamsAnomalies;
    long streamsLate;
    try (Driver app = new Driver(concat(dns, "--learning-period", "10m", "--no-traffic"))) {
      input.transactions().forEach(t -> app.dns(ScriptedDns.key(t), ScriptedDns.encode(t)));
      app.finish();
      streamsActivity = app.dnsActivity();
      streamsAnomalies = app.anomalies();
      streamsLate = app.deadLetters().stream().filter(r -> "late".equals(header(r.headers().lastHeader(DeadLetterHeaders.REASON))))
          .count();
    }
    FlinkRun.DnsResult flink = flinkRun.get(600, TimeUnit.SECONDS);
    long flinkLate = flink.deadLetters().stream().filter(d -> d.reason().equals("late")).count();
    Map<String, DnsActivity> flinkActivity = FinalRevisions.dnsActivity(flink.activity());
    Map<String, DnsActivity> streamsActivityFinal = FinalRevisions.dnsActivity(streamsActivity);
    System.out.printf("DNS parity input: %d transactions, %d moved later; Flink: %d DnsActivity records (%d rows final), "
        + "%d anomaly revisions, %d late; Kafka Streams: %d DnsActivity records, %d anomaly revisions, %d late%n",
        input.transactions().size(), input.delayed(), flink.activity().size(), flinkActivity.size(), flink.anomalies().size(),
        flinkLate, streamsActivity.size(), streamsAnomalies.size(), streamsLate);

    // The input covers what the parity is about.
    assertThat(input.delayed()).isGreaterThan(10);
    assertThat(flinkLate).isPositive();
    assertThat(flink.activity()).anySatisfy(a -> assertThat(a.getRevision()).isPositive());
    assertThat(flinkActivity.values()).anySatisfy(a -> assertThat(a.getQueryName()).isEqualTo("(other)"));
    assertThat(flink.anomalies()).extracting(PolicyAnomaly::getType)
        .contains(AnomalyType.NXDOMAIN_SPIKE, AnomalyType.DNS_TUNNEL);

    assertThat(streamsActivityFinal.keySet()).isEqualTo(flinkActivity.keySet());
    assertThat(differences(streamsActivityFinal, flinkActivity, WireCodec.of(RecordType.DNS_ACTIVITY))).isEmpty();
    assertThat(streamsLate).isEqualTo(flinkLate);
    Map<String, PolicyAnomaly> flinkAnomalies = FinalRevisions.anomalies(flink.anomalies());
    Map<String, PolicyAnomaly> streamsAnomaliesFinal = FinalRevisions.anomalies(streamsAnomalies);
    assertThat(streamsAnomaliesFinal.keySet()).isEqualTo(flinkAnomalies.keySet());
    assertThat(differences(streamsAnomaliesFinal, flinkAnomalies, WireCodec.of(RecordType.POLICY_ANOMALY))).isEmpty();
  }

  private static Map<String, StagedPolicyVerdict> byKey(List<StagedPolicyVerdict> verdicts) {
    Map<String, StagedPolicyVerdict> out = new java.util.TreeMap<>();
    for (StagedPolicyVerdict v : verdicts) {
      assertThat(out.put(StagedPolicyWindows.recordKey(v), v)).as("one verdict per policy, edge and window").isNull();
    }
    return out;
  }

  /** Namespaces with a NetworkPolicy at any time of the input. */
  private static Set<String> namespacesWithPolicies(RecordedInput input) {
    return input.clusterState().stream().filter(r -> r.key().startsWith("NetworkPolicy/"))
        .map(r -> r.key().split("/")[1]).collect(Collectors.toSet());
  }

  /** Counted flows whose destination is a pod, by its namespace, leaving out {@code excluded}. */
  private static Map<String, Long> podFlowsByNamespace(RecordedInput input, Set<String> excluded) {
    WireCodec<dev.flowtel.schema.FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    Map<String, Long> out = new java.util.HashMap<>();
    for (RecordedInput.Flow f : input.flows()) {
      if (!f.counted()) {
        continue;
      }
      dev.flowtel.schema.Endpoint destination = codec.decode(f.value()).orElseThrow().getDestination();
      if (destination != null && destination.getKind() == dev.flowtel.schema.EndpointKind.POD
          && destination.getNamespace() != null && !excluded.contains(destination.getNamespace())) {
        out.merge(destination.getNamespace(), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Keys whose records differ, as encoded on the wire, with both sides for the report (at most five). */
  static <T extends org.apache.avro.specific.SpecificRecordBase> List<String> differences(Map<String, T> actual,
      Map<String, T> expected, WireCodec<T> codec) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, T> e : expected.entrySet()) {
      T other = actual.get(e.getKey());
      if (other == null || !java.util.Arrays.equals(codec.encode(other), codec.encode(e.getValue()))) {
        if (out.size() < 5) {
          out.add(e.getKey() + "\n  flink:         " + brief(e.getValue()) + "\n  kafka streams: " + brief(other));
        } else {
          out.add(e.getKey());
        }
      }
    }
    return out;
  }

  private static String brief(Object record) {
    if (record instanceof ServiceTraffic t) {
      ServiceTraffic copy = ServiceTraffic.newBuilder(t).setSourcePodsSketch(java.nio.ByteBuffer.allocate(0))
          .setRttSketch(null).build();
      return copy.toString();
    }
    return String.valueOf(record);
  }

  private static String header(Header h) {
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
