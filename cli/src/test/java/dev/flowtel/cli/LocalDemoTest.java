package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.DetectionOptions;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetector;
import dev.flowtel.core.dns.DnsDetectorGroup;
import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.dns.DnsEpisodeSpec;
import dev.flowtel.simulator.dns.DnsEpisodeType;
import dev.flowtel.simulator.dns.DnsSimulation;
import dev.flowtel.simulator.dns.LabeledDns;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo of {@code ./flowtel up}: what the detectors make of the simulation it runs, without
 * servers, through analytics' detectors as both engines run them.
 */
class LocalDemoTest {

  private static final Instant START = Instant.parse("2026-12-04T13:00:00Z");
  private static final LocalDemo DEMO = new LocalDemo(2_000, 42, Duration.ofMinutes(2));

  /** What the detectors emit over up's first 8 minutes (one run of some 15 s, for every test). */
  private static final List<CoreDetection.Emitted> EIGHT_MINUTES = detect(DEMO, Duration.ofMinutes(8));

  /**
   * up promises every type within 8 minutes; its servers and jobs take up to a minute to start
   * before the simulation does, so the detectors must have found each one within 7 minutes of
   * event time (which the paced simulation keeps equal to the wall clock).
   */
  @Test
  void everyAnomalyTypeIsFoundWithinSevenMinutesOfTheSimulationsStart() {
    Map<AnomalyType, Duration> first = new EnumMap<>(AnomalyType.class);
    for (CoreDetection.Emitted e : EIGHT_MINUTES) {
      if (e.atWatermarkMillis() > START.plus(Duration.ofMinutes(7)).toEpochMilli()) {
        break;
      }
      first.putIfAbsent(e.anomaly().getType(), Duration.ofMillis(e.atWatermarkMillis() - START.toEpochMilli()));
    }
    assertThat(first).as("event time after the start at which each type was first emitted")
        .containsOnlyKeys(EnumSet.complementOf(EnumSet.of(AnomalyType.UNKNOWN, AnomalyType.NXDOMAIN_SPIKE, AnomalyType.DNS_TUNNEL)));
  }

  @Test
  void eachEpisodeCausesOneAnomalyAndCleanTrafficNone() {
    Map<String, AnomalyType> ids = new TreeMap<>();
    for (CoreDetection.Emitted e : EIGHT_MINUTES) {
      ids.put(e.anomaly().getId(), e.anomaly().getType());
    }
    assertThat(ids.values()).containsExactlyInAnyOrder(AnomalyType.PORT_SCAN, AnomalyType.NEW_EDGE,
        AnomalyType.EXTERNAL_EGRESS, AnomalyType.DENIED_SPIKE, AnomalyType.VOLUME_ANOMALY, AnomalyType.IP_SWEEP,
        AnomalyType.POLICY_VIOLATION);
  }

  @Test
  void theEpisodesComeEveryFortySecondsAfterLearning() {
    assertThat(DEMO.episodes()).extracting(EpisodeSpec::startOffset).containsExactly(Duration.ofSeconds(120),
        Duration.ofSeconds(160), Duration.ofSeconds(200), Duration.ofSeconds(240), Duration.ofSeconds(280),
        Duration.ofSeconds(320), Duration.ofSeconds(360));
    assertThat(DEMO.detectionArguments()).containsSequence("--learning-period", "2m");
  }

  @Test
  void theDnsEpisodesRaiseTheirOwnAnomalyAndTheResolvingPodsNone() {
    // The demo's (learning 2 m) and UpCommandIT's (learning 20 s, one NXDOMAIN spike) staging.
    for (LocalDemo demo : List.of(DEMO, new LocalDemo(500, 42, Duration.ofSeconds(20), List.of(EpisodeType.POLICY_VIOLATION),
        List.of(DnsEpisodeType.NXDOMAIN_SPIKE)))) {
      DnsSimulation dns = DnsSimulation.of(ClusterSimulator.of(demo.simulation(START).withDuration(Duration.ofMinutes(8))),
          demo.dnsEpisodes());
      Map<String, AnomalyType> found = new TreeMap<>();
      for (PolicyAnomaly a : detectDns(demo, dns)) {
        found.merge(a.getSource().getNamespace() + "/" + a.getSource().getName() + " " + a.getType(), a.getType(), (x, y) -> x);
      }
      Map<String, AnomalyType> staged = new TreeMap<>();
      dns.episodes().forEach(l -> staged.put(l.clientWorkload() + " " + l.type().expectedFinding(), l.type().expectedFinding()));
      assertThat(found).as("DNS anomalies (client and type) with episodes %s", demo.dnsStaged()).isEqualTo(staged);
    }
  }

  @Test
  void theDnsEpisodesStartWithTheOthersAndNeverOverlap() {
    assertThat(DEMO.dnsEpisodes()).extracting(DnsEpisodeSpec::type).containsExactly(DnsEpisodeType.NXDOMAIN_SPIKE,
        DnsEpisodeType.DNS_TUNNEL);
    assertThat(DEMO.dnsEpisodes()).extracting(DnsEpisodeSpec::startOffset).containsExactly(Duration.ofSeconds(120),
        Duration.ofSeconds(260));
    assertThat(DEMO.dnsEpisodes().get(0).startOffset().plus(DEMO.dnsEpisodes().get(0).duration()))
        .isLessThan(DEMO.dnsEpisodes().get(1).startOffset());
  }

  /**
   * The demo's DNS through the core DNS detectors as an engine runs them: one group per client, learning from the
   * first query for the demo's learning period, the watermark 3 s behind event time (up's out-of-orderness).
   */
  private static List<PolicyAnomaly> detectDns(LocalDemo demo, DnsSimulation dns) {
    DetectionOptions options = new DetectionOptions();
    new CommandLine(options).parseArgs(demo.detectionArguments().toArray(String[]::new));
    List<DnsDetector<?>> detectors = DnsDetectors.all(DnsDetectionConfig.defaults(), options.detectionConfig().pacing());
    Map<String, DnsDetectorGroup> groups = new HashMap<>();
    List<PolicyAnomaly> out = new ArrayList<>();
    long learningUntil = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    for (Iterator<LabeledDns> it = dns.transactions(); it.hasNext(); ) {
      DnsQuery q = DnsQuery.of(it.next().transaction());
      if (learningUntil == Long.MIN_VALUE) {
        learningUntil = q.timeMillis() + options.detectionConfig().learningPeriod().toMillis();
      }
      if (q.timeMillis() - 3_000 >= watermark + 1_000) {
        watermark = q.timeMillis() - 3_000;
        for (DnsDetectorGroup g : groups.values()) {
          g.onWatermark(watermark, out::add);
        }
      }
      groups.computeIfAbsent(q.clientKey(), k -> new DnsDetectorGroup(detectors)).onQuery(q, learningUntil, out::add);
    }
    return out;
  }

  /** Runs the demo's simulation for {@code length} of event time through the core detectors with the demo's settings. */
  private static List<CoreDetection.Emitted> detect(LocalDemo demo, Duration length) {
    SimulatorSettings settings = demo.simulation(START).withDuration(length);
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    DetectionOptions options = new DetectionOptions();
    new CommandLine(options).parseArgs(demo.detectionArguments().toArray(String[]::new));
    // up's engines run with 3 s of out-of-orderness
    CoreDetection detection = new CoreDetection(options.detectionConfig(), options.learningStartMillis(), 3_000);
    LocalDemo.initialClusterState(simulator).forEach(detection::clusterState);
    simulator.clusterState().forEach(detection::clusterState);
    for (ClusterStateRecord change : simulator.clusterStateChanges()) {
      detection.clusterState(change);
    }
    for (Iterator<LabeledFlow> it = simulator.flows(); it.hasNext(); ) {
      detection.flow(it.next().flow());
    }
    return detection.emitted();
  }
}
