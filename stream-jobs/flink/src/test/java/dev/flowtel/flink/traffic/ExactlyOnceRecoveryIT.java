package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.testing.CheckpointOnDemandCluster;
import dev.flowtel.flink.testing.FailOnceAfterCheckpoint;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.types.ClassifiedFlowSerializer;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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

    Input input = generate();
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

  /** The arrivals in order, the partition and flow end of each, and the windows they sum to. */
  private record Input(List<byte[]> arrivals, List<Integer> partitions, List<Long> flowEnds,
      Map<String, TrafficAccumulator> expected) {

    int size() {
      return arrivals.size();
    }

    int firstEndingAtOrAfter(long millis) {
      for (int i = 0; i < size(); i++) {
        if (flowEnds.get(i) >= millis) {
          return i;
        }
      }
      throw new IllegalArgumentException("no flow ends at or after " + millis);
    }

    /** The offsets of each partition after the first {@code count} arrivals (the topic is new, the producer idempotent). */
    Map<TopicPartition, Long> ends(String topic, int count) {
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        ends.put(new TopicPartition(topic, p), 0L);
      }
      for (int i = 0; i < count; i++) {
        ends.merge(new TopicPartition(topic, partitions.get(i)), 1L, Long::sum);
      }
      return ends;
    }
  }

  /** 6,000 exchanges (24,000 observations: each direction seen at both ends) on 40 edges, in event-time order per partition. */
  private static Input generate() {
    List<byte[]> arrivals = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    List<Long> flowEnds = new ArrayList<>();
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    FlowClassifier classifier = new FlowClassifier();
    Map<String, TrafficAccumulator> expected = new HashMap<>();
    for (int i = 0; i < 6_000; i++) {
      int client = i % 40;
      double second = i * 0.02;
      Endpoint from = ScriptedFlows.pod("client-" + client + "-0", "client-" + client, "Deployment", "node-a", List.of());
      Endpoint to = ScriptedFlows.pod("server-" + (client % 5) + "-0", "server-" + (client % 5), "Deployment", "node-b",
          List.of("server-" + (client % 5)));
      byte[] fromIp = {10, (byte) 244, 1, (byte) client};
      byte[] toIp = {10, (byte) 244, 2, (byte) (client % 5)};
      ScriptedFlows exchange = new ScriptedFlows().exchange(from, fromIp, 40_000 + i % 20_000, to, toIp, 8080, second,
          100 + i % 900, 1_000 + i % 9_000, 0x12, 0x12, 100L + i % 1000);
      for (byte[] bytes : exchange.arrivals()) {
        FlowEvent flow = codec.decode(bytes).orElseThrow();
        arrivals.add(bytes);
        partitions.add(client % 2);
        flowEnds.add(flow.getFlowEnd().toEpochMilli());
        classifier.classify(flow).ifPresent(c -> accumulate(expected, c));
      }
    }
    return new Input(arrivals, partitions, flowEnds, expected);
  }

  private static void accumulate(Map<String, TrafficAccumulator> expected, ClassifiedFlow flow) {
    long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), 10_000L);
    String key = flow.edgeKey() + '@' + start + "/10000";
    expected.computeIfAbsent(key, k -> new TrafficAccumulator()).add(flow);
  }
}
