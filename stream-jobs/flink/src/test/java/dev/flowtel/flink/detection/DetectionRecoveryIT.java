package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.ObservedFlow;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a simulation on the real broker with a port scan and a policy violation after the learning
 * period, when the deployed detection job fails once mid-stream after a completed checkpoint and
 * recovers from it, then its detectors' state survives: a read_committed consumer sees both
 * anomalies, each revision of each anomaly exactly once, and no revision missing.
 */
@WithKafka
@Timeout(300)
class DetectionRecoveryIT {

  static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicLong SEEN = new AtomicLong();

  @Test
  void aFailureMidStreamNeitherLosesNorRepeatsAnAnomalyRevision(KafkaFixture kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.rec.flows." + run;
    String state = "it.rec.cluster-state." + run;
    String anomalies = "it.rec.anomalies." + run;
    String dlq = "it.rec.dlq." + run;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(flows, 2, (short) 1).configs(Map.of("retention.ms", "-1")),
          new NewTopic(state, 1, (short) 1).configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
          new NewTopic(anomalies, 1, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    ClusterSimulator sim = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(9202).withFlowsPerSecond(150)
        .withDuration(Duration.ofMinutes(14)).withEpisodesPerType(0).withEpisodes(List.of(
            new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(8), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofMinutes(10), Duration.ofMinutes(1), null))));
    WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
    WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
    AtomicLong produced = new AtomicLong();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
        "acks", "all", "linger.ms", 20), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ClusterStateRecord r : sim.clusterState()) {
        producer.send(new ProducerRecord<>(state, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8),
            stateCodec.encode(r.value())));
      }
      sim.run((flow, edgeKey, label) -> {
        produced.incrementAndGet();
        producer.send(new ProducerRecord<>(flows, Math.floorMod(edgeKey.hashCode(), 2), null,
            edgeKey.getBytes(StandardCharsets.UTF_8), flowCodec.encode(flow)));
      });
      producer.flush();
    }

    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--cluster-state-topic", state, "--anomalies-topic", anomalies, "--dlq-topic", dlq,
        "--group-id", "it-rec-" + run, "--starting-offsets", "earliest", "--bounded", "--checkpoint-interval", "500ms",
        "--restart-attempts", "3", "--restart-delay", "200ms", "--learning-period", "5m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    Properties client = config.kafkaClientProperties();
    // Past the learning period and the port scan's start, so restored state must carry both.
    long failAfter = produced.get() * 9 / 14 / 2;
    PolicyAnomalyJob job = new PolicyAnomalyJob(config,
        DetectionKafka.flowSource(client, flows, "it-rec-" + run, "earliest", true),
        DetectionKafka.clusterStateSource(client, state, "it-rec-" + run + "-cluster-state", true),
        DetectionKafka.anomalySink(client, anomalies, true, Duration.ofMinutes(5), "it-rec-anomalies-" + run),
        DetectionKafka.deadLetterSink(client, dlq, true, Duration.ofMinutes(5), "it-rec-dlq-" + run),
        observed -> observed.map(new FailOnceAfterCheckpoint(failAfter)).returns(TypeInformation.of(ObservedFlow.class))
            .name("fail once"));
    job.configure(env);
    job.attachTo(env);
    env.execute("detection recovery IT");

    assertThat(FAILED).as("the job failed once mid-stream").isTrue();
    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<PolicyAnomaly> found = readCommitted(kafka.bootstrapServers(), anomalies).stream()
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

  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "group.id", "it-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long lastNew = System.nanoTime();
      while (System.nanoTime() - lastNew < Duration.ofSeconds(3).toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          lastNew = System.nanoTime();
        }
      }
    }
    return records;
  }

  /** Slows the stream until it has failed once, after a checkpoint completed and {@code failAfter} flows. */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<ObservedFlow, ObservedFlow> implements CheckpointListener {

    private static final long serialVersionUID = 1L;
    private final long failAfter;

    FailOnceAfterCheckpoint(long failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public ObservedFlow map(ObservedFlow flow) throws Exception {
      long seen = SEEN.incrementAndGet();
      if (!FAILED.get()) {
        if (seen % 20 == 0) {
          Thread.sleep(1);
        }
        if (CHECKPOINTED.get() && seen > failAfter && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("injected failure after " + seen + " flows");
        }
      }
      return flow;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTED.set(true);
    }
  }
}
