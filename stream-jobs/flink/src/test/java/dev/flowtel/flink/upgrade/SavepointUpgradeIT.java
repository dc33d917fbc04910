package dev.flowtel.flink.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.detection.DetectionKafka;
import dev.flowtel.flink.detection.PolicyAnomalyConfig;
import dev.flowtel.flink.detection.PolicyAnomalyJob;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.kafka.ServiceTrafficRecordSerializer;
import dev.flowtel.flink.testing.CheckpointOnDemandCluster;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.flink.upgrade.SavedRun.InputRecord;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a savepoint of each Flink job taken with the job jar of commit 3089f05 (before the
 * refactors of issue 20; see {@code src/test/resources/savepoints/3089f05/README.md}), when
 * today's job starts from it and reads the rest of the same input, then what users rely on holds:
 * the traffic windows open at the savepoint close with the flows from before and after it, and the
 * detection job carries on the anomalies it had begun, with no revision written twice.
 *
 * <p>Each job restores with unclaimed state refused ({@code allowNonRestoredState=false}), so an
 * operator uid missing from today's job fails the restore; a renamed state class (a detector's
 * state, an accumulator) fails it too, as its serializer names the class; a renamed state
 * (a detector's, the windows') starts empty and the outputs compared below differ.
 *
 * <p>The savepoints hold Kafka source splits at the old run's topic names and offsets: the test
 * recreates those topics and produces the very same records in the same order, so the offsets
 * match, and the whole input at once. The restored splits stop at the end of the input (the old
 * run set the stopping offsets, which the splits carry), but a restored bounded Kafka source does
 * not end by itself (its enumerator finds no new partition and never tells the readers there are
 * no more splits): the test checkpoints until the committed offsets cover the whole input, then
 * stops the job with a draining savepoint, which fires every window and timer and commits the
 * output. It waits for states, never for time.
 */
@WithKafka
@Timeout(300)
class SavepointUpgradeIT {

  private static final String OLD_JAR = "3089f05";
  /** The old runs' names; the savepoints' splits and transactional ids carry them. */
  private static final String PREFIX = "savepoint-" + OLD_JAR;

  @Test
  void trafficWindowsOpenAtTheSavepointCloseWithTheFlowsOfBothJars(KafkaFixture kafka, @TempDir Path work) throws Exception {
    SavedRun saved = SavedRun.of(OLD_JAR, "traffic");
    List<InputRecord> input = saved.input("flows.txt.gz");
    int cut = saved.flowsAtSavepoint();
    String flows = PREFIX + ".traffic.flows";
    String group = PREFIX + "-traffic";
    String run = UUID.randomUUID().toString().substring(0, 8);
    String traffic = "it.upgrade.traffic." + run;
    String dlq = "it.upgrade.traffic-dlq." + run;
    SavedRun.recreate(kafka.bootstrapServers(), List.of(new NewTopic(flows, 2, (short) 1).configs(Map.of("retention.ms", "-1")),
        new NewTopic(traffic, 2, (short) 1).configs(Map.of("retention.ms", "-1")), new NewTopic(dlq, 1, (short) 1)));
    SavedRun.produce(kafka.bootstrapServers(), flows, input);

    // The options of the old run (see the README); idleness is wall time, so it stays out of reach.
    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--traffic-topic", traffic, "--dlq-topic", dlq, "--group-id", group,
        "--starting-offsets", "earliest", "--idleness", "1h", "--parallelism", "1");
    var client = config.kafka().properties();
    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(2)) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(config.flinkConfiguration()));
      TrafficAggregationJob job = new TrafficAggregationJob(config,
          FlowtelKafka.flowSource(client, flows, group, "earliest", OffsetsInitializer.offsets(SavedRun.ends(flows, 2, input))),
          FlowtelKafka.trafficSink(client, traffic, true, Duration.ofMinutes(5), group + "-traffic"),
          FlowtelKafka.deadLetterSink(client, dlq, true, Duration.ofMinutes(5), group + "-dlq"));
      job.configure(env);
      CheckpointOnDemandCluster.checkpointOnlyOnDemand(env);
      job.attachTo(env);
      cluster.submit(env, "traffic from the " + OLD_JAR + " savepoint", SavepointRestoreSettings.forPath(saved.savepointPath(work), false))
          .drainOnce(() -> new KafkaTopics(kafka.bootstrapServers()).committedUpTo(group, SavedRun.ends(flows, 2, input)),
              work.resolve("drained"));
    }

    WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
    long savepointEventTime = input.subList(0, cut).stream()
        .mapToLong(r -> flowCodec.decode(r.value()).orElseThrow().getFlowEnd().toEpochMilli()).max().orElseThrow();
    Map<String, TrafficAccumulator> expected = expectedWindows(input, flowCodec);
    WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    List<ServiceTraffic> before = saved.outputBeforeSavepoint().stream().map(v -> trafficCodec.decode(v).orElseThrow()).toList();
    List<ServiceTraffic> after = KafkaTopics.decodeTraffic(new KafkaTopics(kafka.bootstrapServers()).readCommitted(traffic));

    assertThat(before).as("windows the old jar closed before its savepoint").isNotEmpty();
    assertThat(after).as("windows open at the savepoint, closed by today's jar")
        .anyMatch(t -> t.getWindowStart().toEpochMilli() <= savepointEventTime && t.getWindowEnd().toEpochMilli() > savepointEventTime);
    Map<String, List<ServiceTraffic>> byWindow = byKey(concat(before, after), ServiceTrafficRecordSerializer::key);
    assertThat(byWindow.keySet()).as("windows of both jars").containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, List<ServiceTraffic>> window : byWindow.entrySet()) {
      assertThat(window.getValue()).as("records of %s (written once, before or after the savepoint)", window.getKey()).hasSize(1);
      ServiceTraffic actual = window.getValue().get(0);
      assertThat(actual).as(window.getKey()).isEqualTo(expected.get(window.getKey())
          .toServiceTraffic(actual.getWindowStart().toEpochMilli(), actual.getWindowEnd().toEpochMilli(), 0));
    }
  }

  @Test
  void detectionCarriesOnTheAnomaliesItHadBegunAndWritesNoRevisionTwice(KafkaFixture kafka, @TempDir Path work) throws Exception {
    SavedRun saved = SavedRun.of(OLD_JAR, "detection");
    List<InputRecord> input = saved.input("flows.txt.gz");
    List<InputRecord> clusterState = saved.input("cluster-state.txt.gz");
    WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<PolicyAnomaly> before = saved.outputBeforeSavepoint().stream().map(v -> codec.decode(v).orElseThrow()).toList();

    List<PolicyAnomaly> after = detect(kafka, PREFIX + ".detection", input, clusterState,
        SavepointRestoreSettings.forPath(saved.savepointPath(work), false), work);

    assertThat(before).as("anomaly revisions the old jar wrote before its savepoint").isNotEmpty();
    assertThat(after).as("revisions today's jar wrote of anomalies the old jar had begun")
        .anyMatch(a -> before.stream().anyMatch(b -> b.getId().equals(a.getId())));
    assertThat(revisions(after)).as("revisions written again after the savepoint").doesNotContainAnyElementsOf(revisions(before));
    // Not compared with an uninterrupted run of today's jar: two such runs on this input differed
    // (one reported the policy violation from 00:05:00.392, one did not), probably because whether
    // its first flows are judged races the end of the bounded cluster-state source (not confirmed),
    // so equality would be flaky.
  }

  /**
   * Runs today's detection job over the whole input on topics named {@code prefix}, from
   * {@code restore}; returns the anomalies it committed. The flows and cluster-state topics are
   * made as the old run made them, so a savepoint's offsets point at the same records.
   */
  private static List<PolicyAnomaly> detect(KafkaFixture kafka, String prefix, List<InputRecord> input,
      List<InputRecord> clusterState, SavepointRestoreSettings restore, Path work) throws Exception {
    String flows = prefix + ".flows";
    String state = prefix + ".cluster-state";
    String anomalies = prefix + ".anomalies." + UUID.randomUUID().toString().substring(0, 8);
    String dlq = prefix + ".dlq." + UUID.randomUUID().toString().substring(0, 8);
    // The restored run keeps the old run's consumer group and transactional ids, as a redeployed job would.
    String group = restore.restoreSavepoint() ? PREFIX + "-detection" : prefix.replace('.', '-');
    SavedRun.recreate(kafka.bootstrapServers(), List.of(new NewTopic(flows, 2, (short) 1).configs(Map.of("retention.ms", "-1")),
        new NewTopic(state, 1, (short) 1).configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
        new NewTopic(anomalies, 1, (short) 1), new NewTopic(dlq, 1, (short) 1)));
    SavedRun.produce(kafka.bootstrapServers(), state, clusterState);
    SavedRun.produce(kafka.bootstrapServers(), flows, input);

    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--cluster-state-topic", state, "--anomalies-topic", anomalies, "--dlq-topic", dlq,
        "--group-id", group, "--starting-offsets", "earliest", "--idleness", "1h", "--learning-period", "2m",
        "--parallelism", "1");
    var client = config.kafka().properties();
    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(2)) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(config.flinkConfiguration()));
      PolicyAnomalyJob job = new PolicyAnomalyJob(config,
          DetectionKafka.flowSource(client, flows, group, "earliest", OffsetsInitializer.offsets(SavedRun.ends(flows, 2, input))),
          DetectionKafka.clusterStateSource(client, state, group + "-cluster-state", true),
          DetectionKafka.anomalySink(client, anomalies, true, Duration.ofMinutes(5), group + "-anomalies"),
          FlowtelKafka.deadLetterSink(client, dlq, true, Duration.ofMinutes(5), group + "-dlq"));
      job.configure(env);
      CheckpointOnDemandCluster.checkpointOnlyOnDemand(env);
      job.attachTo(env);
      CheckpointOnDemandCluster.Job running = cluster.submit(env,
          "detection " + (restore.restoreSavepoint() ? "from the " + OLD_JAR + " savepoint" : "uninterrupted"), restore);
      if (restore.restoreSavepoint()) {
        running.drainOnce(() -> new KafkaTopics(kafka.bootstrapServers()).committedUpTo(group, SavedRun.ends(flows, 2, input)),
            work.resolve("drained"));
      } else {
        running.finish();
      }
    }
    WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    return new KafkaTopics(kafka.bootstrapServers()).readCommitted(anomalies).stream()
        .map(r -> codec.decode(r.value()).orElseThrow()).toList();
  }

  /** Each 10 s window and 1 min rollup of the input's counted flows, by record key, summed from the flows. */
  private static Map<String, TrafficAccumulator> expectedWindows(List<InputRecord> input, WireCodec<FlowEvent> codec) {
    FlowClassifier classifier = new FlowClassifier();
    Map<String, TrafficAccumulator> expected = new TreeMap<>();
    for (InputRecord record : input) {
      classifier.classify(codec.decode(record.value()).orElseThrow()).ifPresent(flow -> {
        for (long size : new long[] {10_000, 60_000}) {
          expected.computeIfAbsent(windowKey(flow, size), k -> new TrafficAccumulator()).add(flow);
        }
      });
    }
    return expected;
  }

  private static String windowKey(ClassifiedFlow flow, long size) {
    long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), size);
    return flow.edgeKey() + '@' + start + "/" + size;
  }

  private static List<String> revisions(List<PolicyAnomaly> anomalies) {
    return anomalies.stream().map(a -> a.getType() + " " + a.getId() + " revision " + a.getRevision()).toList();
  }

  private static <T> Map<String, List<T>> byKey(Collection<T> records, Function<T, String> key) {
    Map<String, List<T>> byKey = new TreeMap<>();
    records.forEach(r -> byKey.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
    return byKey;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
