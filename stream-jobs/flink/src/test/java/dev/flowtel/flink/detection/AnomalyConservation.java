package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What a detection job that recovered from a failure owes its readers: every episode found, and each
 * anomaly's revisions 0, 1, 2, ... once each, in order, none missing, under read_committed.
 */
public final class AnomalyConservation {

  private static final WireCodec<PolicyAnomaly> CODEC = WireCodec.of(RecordType.POLICY_ANOMALY);

  private AnomalyConservation() {}

  /** Waits until the job has sent (committed or not) an anomaly of {@code episode}. */
  public static void awaitSent(KafkaTopics reader, DetectionTopics topics, GroundTruthLabel episode) {
    reader.awaitUncommitted(topics.anomalies(), "anomaly of " + episode, r -> matches(CODEC.decode(r.value()).orElseThrow(), episode));
  }

  /**
   * Reads the anomalies topic with read_committed and checks it against {@code episodes}. A running
   * job's last anomalies commit a moment after the input offsets of the same checkpoint, so this
   * reads until every episode is there (the deadline is a safety net), then checks.
   */
  public static void assertConserved(KafkaTopics reader, DetectionTopics topics, List<GroundTruthLabel> episodes) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    List<PolicyAnomaly> read = committed(reader, topics);
    while (!everyEpisodeIn(read, episodes) && Instant.now().isBefore(deadline)) {
      pause();
      read = committed(reader, topics);
    }
    List<PolicyAnomaly> found = read;
    for (GroundTruthLabel label : episodes) {
      assertThat(found(found, label)).as("an anomaly of %s in %s", label, found).isTrue();
    }
    Map<String, List<Integer>> revisions = new TreeMap<>();
    found.forEach(a -> revisions.computeIfAbsent(a.getId(), id -> new ArrayList<>()).add(a.getRevision()));
    revisions.forEach((id, seen) -> assertThat(seen).as("revisions of %s, in the order written", id)
        .containsExactlyElementsOf(IntStream.range(0, seen.size()).boxed().toList()));
  }

  private static List<PolicyAnomaly> committed(KafkaTopics reader, DetectionTopics topics) {
    return reader.readCommitted(topics.anomalies()).stream().map(r -> CODEC.decode(r.value()).orElseThrow()).toList();
  }

  private static boolean everyEpisodeIn(List<PolicyAnomaly> anomalies, List<GroundTruthLabel> episodes) {
    return episodes.stream().allMatch(episode -> found(anomalies, episode));
  }

  private static boolean found(List<PolicyAnomaly> anomalies, GroundTruthLabel episode) {
    return anomalies.stream().anyMatch(a -> matches(a, episode));
  }

  private static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean matches(PolicyAnomaly anomaly, GroundTruthLabel episode) {
    return DetectionScore.matches(anomaly, episode) && anomaly.getType() == episode.type().expectedFinding();
  }
}
