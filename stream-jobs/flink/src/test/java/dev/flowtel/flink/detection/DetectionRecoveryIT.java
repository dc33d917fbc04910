package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.testing.CheckpointOnDemandCluster;
import dev.flowtel.flink.testing.FailOnceAfterCheckpoint;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a simulation on the real broker with a port scan and a policy violation after the learning
 * period, when the deployed detection job fails once after the violation, after a checkpoint taken just
 * before the violation and after it wrote the violation's anomaly, and recovers from that
 * checkpoint, then its detectors' and cluster state survive: a read_committed consumer sees both
 * anomalies, each revision of each anomaly exactly once, and no revision missing.
 *
 * <p>The test waits for states, never for time: the job (bounded by the offsets of all the flows,
 * so it keeps reading between the parts of the input) checkpoints only when the test asks. The
 * flows up to 2 s before the violation go first, and the test checkpoints until the committed
 * offsets cover them: restored state must carry the learning period and the port scan, and the
 * violation's first flows reach the edge detectors before any watermark does after the restart, so
 * they must be judged by the restored cluster state. The flows to the violation's end go next,
 * and the test waits until the job has sent the violation's anomaly, in a transaction no
 * checkpoint committed; the job then fails on the first flow after them.
 */
@WithKafka
@Timeout(300)
class DetectionRecoveryIT {

  @Test
  void aFailureMidStreamNeitherLosesNorRepeatsAnAnomalyRevision(KafkaFixture kafka) throws Exception {
    FailOnceAfterCheckpoint.reset();
    DetectionTopics topics = DetectionTopics.create(kafka.bootstrapServers(), "it.rec");
    KafkaTopics reader = new KafkaTopics(kafka.bootstrapServers());
    ClusterSimulator sim = DetectionTopics.portScanThenViolation(9202);
    GroundTruthLabel violation = sim.episodes().stream().filter(l -> l.type() == EpisodeType.POLICY_VIOLATION)
        .findFirst().orElseThrow();
    long checkpointedTo = violation.start().toEpochMilli() - 2_000;
    long failsAt = violation.end().toEpochMilli();
    topics.loadClusterState(sim);
    List<DetectionTopics.KeyedFlow> flows = topics.flows(sim);
    int secondPart = firstEndingAtOrAfter(flows, checkpointedTo);
    int thirdPart = firstEndingAtOrAfter(flows, failsAt);

    // The input pauses while the test waits for a checkpoint and for output. Idleness is wall
    // time: on a busy machine a paused partition could be declared idle, and its flows would then
    // arrive behind the other partition's watermark.
    String group = "it-rec-" + topics.run();
    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", topics.flows(), "--cluster-state-topic", topics.state(),
        "--anomalies-topic", topics.anomalies(), "--dlq-topic", topics.dlq(),
        "--group-id", group, "--starting-offsets", "earliest", "--idleness", "1h",
        "--restart-attempts", "3", "--restart-delay", "200ms", "--learning-period", "5m");
    Properties client = config.kafka().properties();
    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(1)) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(config.flinkConfiguration()));
      env.setParallelism(1);
      PolicyAnomalyJob job = new PolicyAnomalyJob(config,
          DetectionKafka.flowSource(client, topics.flows(), group, "earliest", OffsetsInitializer.offsets(topics.flowsEnds(flows))),
          DetectionKafka.clusterStateSource(client, topics.state(), group + "-cluster-state", true),
          DetectionKafka.anomalySink(client, topics.anomalies(), true, Duration.ofMinutes(5),
              "it-rec-anomalies-" + topics.run()),
          FlowtelKafka.deadLetterSink(client, topics.dlq(), true, Duration.ofMinutes(5), "it-rec-dlq-" + topics.run()),
          observed -> observed.map(new FailOnceAfterCheckpoint<ObservedFlow>(flow -> flow.flowEndMillis() >= failsAt))
              .returns(TypeInformation.of(ObservedFlow.class)).name("fail once"));
      job.configure(env);
      CheckpointOnDemandCluster.checkpointOnlyOnDemand(env);
      job.attachTo(env);

      topics.send(flows.subList(0, secondPart));
      CheckpointOnDemandCluster.Job running = cluster.submit(env, "detection recovery IT");
      running.checkpointUntil(() -> reader.committedUpTo(group, topics.flowsEnds(flows.subList(0, secondPart))));

      topics.send(flows.subList(secondPart, thirdPart));
      WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
      reader.awaitUncommitted(topics.anomalies(), "anomaly of " + violation, r -> {
        PolicyAnomaly a = codec.decode(r.value()).orElseThrow();
        return DetectionScore.matches(a, violation) && a.getType() == violation.type().expectedFinding();
      });

      topics.send(flows.subList(thirdPart, flows.size()));
      // No checkpoint before the failure: the job must restore from the one that covers the first part.
      running.await(FailOnceAfterCheckpoint.failure());
      running.finish();
    }

    assertThat(FailOnceAfterCheckpoint.failedAfterCheckpoint()).as("the job failed once mid-stream, after a checkpoint").isTrue();
    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<PolicyAnomaly> found = reader.readCommitted(topics.anomalies())
        .stream()
        .map(r -> anomalyCodec.decode(r.value()).orElseThrow()).toList();
    for (GroundTruthLabel label : sim.episodes()) {
      assertThat(found).as(label.toString()).anyMatch(a -> DetectionScore.matches(a, label)
          && a.getType() == label.type().expectedFinding());
    }
    Map<String, List<Integer>> revisions = new TreeMap<>();
    found.forEach(a -> revisions.computeIfAbsent(a.getId(), id -> new ArrayList<>()).add(a.getRevision()));
    revisions.forEach((id, seen) -> assertThat(seen).as("revisions of %s, in the order written", id)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, seen.size()).boxed().toList()));
  }

  private static int firstEndingAtOrAfter(List<DetectionTopics.KeyedFlow> flows, long millis) {
    for (int i = 0; i < flows.size(); i++) {
      if (flows.get(i).flowEndMillis() >= millis) {
        return i;
      }
    }
    throw new IllegalArgumentException("no flow ends at or after " + millis);
  }
}
