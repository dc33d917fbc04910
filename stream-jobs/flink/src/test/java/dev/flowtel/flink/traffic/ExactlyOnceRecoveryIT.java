package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.testing.CheckpointOnDemandCluster;
import dev.flowtel.flink.testing.FailOnceAfterCheckpoint;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.types.ClassifiedFlowSerializer;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given 24,000 flow observations of 40 service edges over two minutes on a two-partition topic,
 * when the job fails once mid-stream after a completed checkpoint, with windows written since that
 * checkpoint, and recovers from it, then a read_committed consumer sees every window exactly once,
 * and every window's sums equal those of the input.
 *
 * <p>The test produces the input in three parts and waits for states, never for time: the job
 * (bounded by the offsets of the whole input, so it keeps reading between the parts) checkpoints
 * only when the test asks; after the first part (to 40 s) the test checkpoints until the committed
 * offsets cover it; after the second (to 80 s) it waits until the job has sent a window of the
 * second part, in a transaction no checkpoint committed; the job then fails on the first flow of
 * the third part, and restores from that checkpoint.
 */
@WithKafka
@Timeout(300)
class ExactlyOnceRecoveryIT {

  private static final long CHECKPOINTED_TO = ScriptedFlows.T0.toEpochMilli() + 40_000;
  private static final long FAILS_AT = ScriptedFlows.T0.toEpochMilli() + 80_000;

  @Test
  void aFailureMidStreamNeitherLosesNorDuplicatesAWindow(KafkaFixture kafka) throws Exception {
    FailOnceAfterCheckpoint.reset();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.eo.flows." + run;
    String traffic = "it.eo.traffic." + run;
    String dlq = "it.eo.dlq." + run;
    String group = "it-eo-" + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(2, flows, traffic, dlq);

    ScriptedTraffic input = ScriptedTraffic.generate(2, 6_000);
    int secondPart = input.firstEndingAtOrAfter(CHECKPOINTED_TO);
    int thirdPart = input.firstEndingAtOrAfter(FAILS_AT);

    // The input pauses while the test waits for a checkpoint and for output. Idleness is wall
    // time: on a busy machine a paused partition could be declared idle, and its flows would then
    // reach the windows behind the other partition's watermark.
    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--traffic-topic", traffic, "--dlq-topic", dlq, "--group-id", group,
        "--starting-offsets", "earliest", "--rollup", "0", "--idleness", "1h",
        "--restart-attempts", "3", "--restart-delay", "200ms");
    Properties client = config.kafka().properties();
    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(2)) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(config.flinkConfiguration()));
      env.setParallelism(2);
      TrafficAggregationJob job = new TrafficAggregationJob(config,
          FlowtelKafka.flowSource(client, flows, group, "earliest", OffsetsInitializer.offsets(input.ends(flows, input.size()))),
          FlowtelKafka.trafficSink(client, traffic, true, Duration.ofMinutes(5), "it-eo-traffic-" + run),
          FlowtelKafka.deadLetterSink(client, dlq, true, Duration.ofMinutes(5), "it-eo-dlq-" + run),
          stream -> stream.map(new FailOnceAfterCheckpoint<ClassifiedFlow>(flow -> flow.eventTimeMillis() >= FAILS_AT))
              .returns(ClassifiedFlowSerializer.TYPE).name("fail once"));
      job.configure(env);
      CheckpointOnDemandCluster.checkpointOnlyOnDemand(env);
      job.attachTo(env);

      topics.produce(flows, input.arrivals().subList(0, secondPart), input.partitions()::get);
      CheckpointOnDemandCluster.Job running = cluster.submit(env, "exactly-once recovery IT");
      running.checkpointUntil(() -> topics.committedUpTo(group, input.ends(flows, secondPart)));

      topics.produce(flows, input.arrivals().subList(secondPart, thirdPart), i -> input.partitions().get(secondPart + i));
      topics.awaitUncommitted(traffic, "window of the second part", r -> windowStart(r) >= CHECKPOINTED_TO);

      topics.produce(flows, input.arrivals().subList(thirdPart, input.size()), i -> input.partitions().get(thirdPart + i));
      // No checkpoint before the failure: the job must restore from the one that covers the first part.
      running.await(FailOnceAfterCheckpoint.failure());
      running.finish();
    }

    assertThat(FailOnceAfterCheckpoint.failedAfterCheckpoint()).as("the job failed once mid-stream, after a checkpoint").isTrue();
    Map<String, TrafficAccumulator> expected = input.expected();
    List<ServiceTraffic> written = KafkaTopics.decodeTraffic(topics.readCommitted(traffic));
    Map<String, List<ServiceTraffic>> byWindow = new TreeMap<>();
    for (ServiceTraffic t : written) {
      byWindow.computeIfAbsent(key(t), k -> new ArrayList<>()).add(t);
    }
    assertThat(byWindow.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, List<ServiceTraffic>> window : byWindow.entrySet()) {
      assertThat(window.getValue()).as("records of %s", window.getKey()).hasSize(1);
      ServiceTraffic actual = window.getValue().get(0);
      long start = actual.getWindowStart().toEpochMilli();
      assertThat(actual).as(window.getKey())
          .isEqualTo(expected.get(window.getKey()).toServiceTraffic(start, start + 10_000, 0));
    }
    long inputBytes = expected.values().stream()
        .mapToLong(a -> a.toServiceTraffic(0, 1, 0).getBytesToDestination() + a.toServiceTraffic(0, 1, 0).getBytesToSource()).sum();
    long outputBytes = written.stream().mapToLong(t -> t.getBytesToDestination() + t.getBytesToSource()).sum();
    assertThat(outputBytes).isEqualTo(inputBytes);
  }

  private static String key(ServiceTraffic t) {
    return dev.flowtel.flink.kafka.ServiceTrafficRecordSerializer.key(t);
  }

  private static long windowStart(ConsumerRecord<byte[], byte[]> record) {
    return KafkaTopics.decodeTraffic(List.of(record)).get(0).getWindowStart().toEpochMilli();
  }
}
