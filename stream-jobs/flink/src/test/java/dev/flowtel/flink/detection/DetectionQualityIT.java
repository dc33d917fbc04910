package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Detection quality against the simulator's ground truth, with the default thresholds. Given a
 * simulated cluster whose first hour is clean (the default learning period), then an hour with
 * every episode type injected several times (POLICY_CHANGE included: a policy deleted and
 * restored, which must cause no anomaly), when the detection job runs over it on a MiniCluster,
 * then per anomaly type recall and precision are at least 0.95. And given two hours of clean
 * traffic, the second hour (after learning) produces no anomaly. The seeds here were not used
 * while tuning (tuning used 1, 2 and 3; 7001 and 7002 ran once and exposed a NEW_EDGE definition bug, so
 * they were retired).
 */
@Timeout(600)
class DetectionQualityIT {

  static final double FLOWS_PER_SECOND = 400;
  static final int EPISODES_PER_TYPE = 3;
  static final long[] SEEDS = {9101, 9102};

  @Test
  void everyInjectedEpisodeTypeIsFoundWithRecallAndPrecisionOfAtLeast95Percent() throws Exception {
    List<String> report = new ArrayList<>();
    int labels = 0;
    List<dev.flowtel.simulator.episode.GroundTruthLabel> allLabels = new ArrayList<>();
    List<PolicyAnomaly> allAnomalies = new ArrayList<>();
    for (long seed : SEEDS) {
      SimulatedRun.Result result = SimulatedRun.run(episodes(seed, EPISODES_PER_TYPE), "--restart-attempts", "0");
      allLabels.addAll(result.simulator().episodes());
      allAnomalies.addAll(result.anomalies());
      labels += result.simulator().episodes().size();
      report.add(String.format("seed %d: %d counted flows in %.1f s, %d anomaly revisions", seed, result.flows(),
          result.seconds(), result.anomalies().size()));
      assertThat(result.deadLetters()).isEmpty();
    }
    Map<AnomalyType, DetectionScore.TypeScore> scores = DetectionScore.score(allLabels, allAnomalies);
    scores.values().forEach(s -> report.add(s.toString()));
    scores.values().forEach(s -> s.missed().forEach(m -> report.add("  missed " + m)));
    scores.values().forEach(s -> s.falsePositives().forEach(f -> report.add("  false positive " + f)));
    System.out.println(String.join("\n", report));
    assertThat(labels).isEqualTo(SEEDS.length * EPISODES_PER_TYPE * EpisodeType.values().length);
    for (DetectionScore.TypeScore score : scores.values()) {
      assertThat(score.labels()).as(score.type() + " episodes").isEqualTo(SEEDS.length * EPISODES_PER_TYPE);
      assertThat(score.recall()).as(score.toString()).isGreaterThanOrEqualTo(0.95);
      assertThat(score.precision()).as(score.toString()).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void aCleanHourAfterLearningRaisesNoAnomaly() throws Exception {
    SimulatorSettings clean = base(SEEDS[0]).withEpisodesPerType(0);
    SimulatedRun.Result result = SimulatedRun.run(clean, "--restart-attempts", "0");
    Collection<PolicyAnomaly> anomalies = DetectionScore.latest(result.anomalies());
    System.out.printf("clean: %d counted flows in %.1f s, %d anomalies%n", result.flows(), result.seconds(), anomalies.size());
    anomalies.forEach(a -> System.out.println("  false positive " + a.getId() + ": " + a.getSummary()));
    assertThat(anomalies).isEmpty();
  }

  static SimulatorSettings base(long seed) {
    return SimulatorSettings.defaults().withSeed(seed).withFlowsPerSecond(FLOWS_PER_SECOND)
        .withDuration(Duration.ofHours(2)).withEpisodesPerType(0);
  }

  /** A clean first hour to learn from, then {@code perType} episodes of every type, 1 minute each, spread over the second hour. */
  static SimulatorSettings episodes(long seed, int perType) {
    List<EpisodeSpec> specs = new ArrayList<>();
    EpisodeType[] types = EpisodeType.values();
    int count = types.length * perType;
    for (int i = 0; i < count; i++) {
      Duration offset = Duration.ofMinutes(63).plus(Duration.ofSeconds(55L * 60 * i / count));
      specs.add(new EpisodeSpec(types[i % types.length], offset, Duration.ofMinutes(1), null));
    }
    return base(seed).withEpisodes(specs);
  }
}
