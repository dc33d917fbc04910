package dev.flowtel.flink.detection;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import java.util.Collection;
import java.util.Map;

/** Manual tuning runs on the tuning seeds (not the ITs'): prints scores, false positives and misses. */
final class DetectionTuning {

  private DetectionTuning() {}

  public static void main(String[] args) throws Exception {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
    boolean clean = args.length > 1 && args[1].equals("clean");
    SimulatedRun.Result result = SimulatedRun.run(clean ? DetectionQualityIT.base(seed).withEpisodesPerType(0)
        : DetectionQualityIT.episodes(seed, DetectionQualityIT.EPISODES_PER_TYPE), "--restart-attempts", "0");
    System.out.printf("seed %d: %d counted flows in %.1f s, %d revisions, %d dead letters%n", seed, result.flows(),
        result.seconds(), result.anomalies().size(), result.deadLetters().size());
    Map<AnomalyType, DetectionScore.TypeScore> scores = DetectionScore.score(result.simulator().episodes(), result.anomalies());
    scores.values().forEach(System.out::println);
    scores.values().forEach(s -> s.missed().forEach(m -> System.out.println("  missed " + m)));
    scores.values().forEach(s -> s.falsePositives().forEach(f -> System.out.println("  false positive " + f)));
    Collection<PolicyAnomaly> latest = DetectionScore.latest(result.anomalies());
    latest.stream().limit(40).forEach(a -> System.out.println("  " + a.getId() + " r" + a.getRevision() + " " + a.getSeverity()
        + " " + a.getSummary()));
    System.exit(0);
  }
}
