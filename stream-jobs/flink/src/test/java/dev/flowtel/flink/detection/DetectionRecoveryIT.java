package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.ObservedFlow;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a simulation on the real broker with a port scan and a policy violation after the learning
 * period, when the deployed detection job fails once mid-stream after a completed checkpoint, just
 * before the violation, and recovers from it, then its detectors' and cluster state survive: a read_committed consumer sees both
 * anomalies, each revision of each anomaly exactly once, and no revision missing.
 */
@WithKafka
@Timeout(300)
class DetectionRecoveryIT {

  @Test
  void aFailureMidStreamNeitherLosesNorRepeatsAnAnomalyRevision(KafkaFixture kafka) throws Exception {
    FailOnceAfterCheckpoint.reset();
    DetectionTopics topics = DetectionTopics.create(kafka.bootstrapServers(), "it.rec");
    ClusterSimulator sim = DetectionTopics.portScanThenViolation(9202);
    topics.load(sim);

    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", topics.flows(), "--cluster-state-topic", topics.state(),
        "--anomalies-topic", topics.anomalies(), "--dlq-topic", topics.dlq(),
        "--group-id", "it-rec-" + topics.run(), "--starting-offsets", "earliest", "--bounded", "--checkpoint-interval", "500ms",
        "--restart-attempts", "3", "--restart-delay", "200ms", "--learning-period", "5m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    Properties client = config.kafkaClientProperties();
    // Past the learning period and the port scan, just before the violation: restored state must
    // carry both, and the violation's first flows reach the edge detectors before any watermark
    // does after the restart, so they must be judged by the restored cluster state.
    long violationStart = sim.episodes().stream().filter(l -> l.type() == EpisodeType.POLICY_VIOLATION)
        .findFirst().orElseThrow().start().toEpochMilli();
    PolicyAnomalyJob job = new PolicyAnomalyJob(config,
        DetectionKafka.flowSource(client, topics.flows(), "it-rec-" + topics.run(), "earliest", true),
        DetectionKafka.clusterStateSource(client, topics.state(), "it-rec-" + topics.run() + "-cluster-state", true),
        DetectionKafka.anomalySink(client, topics.anomalies(), true, Duration.ofMinutes(5),
            "it-rec-anomalies-" + topics.run()),
        DetectionKafka.deadLetterSink(client, topics.dlq(), true, Duration.ofMinutes(5), "it-rec-dlq-" + topics.run()),
        observed -> observed.map(new FailOnceAfterCheckpoint<ObservedFlow>(0, flow -> flow.flowEndMillis() >= violationStart - 2_000))
            .returns(TypeInformation.of(ObservedFlow.class)).name("fail once"));
    job.configure(env);
    job.attachTo(env);
    env.execute("detection recovery IT");

    assertThat(FailOnceAfterCheckpoint.failed()).as("the job failed once mid-stream").isTrue();
    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<PolicyAnomaly> found = new KafkaTopics(kafka.bootstrapServers()).readCommitted(topics.anomalies())
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
}
