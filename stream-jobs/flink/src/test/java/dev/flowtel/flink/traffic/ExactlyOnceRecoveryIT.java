package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.kafka.FlowtelKafka;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given 24,000 flow observations of 40 service edges over two minutes on a two-partition topic,
 * when the job fails once mid-stream after a completed checkpoint and recovers from it, then a
 * read_committed consumer sees every window exactly once, and every window's sums equal those of
 * the input.
 */
@WithKafka
@Timeout(300)
class ExactlyOnceRecoveryIT {

  @Test
  void aFailureMidStreamNeitherLosesNorDuplicatesAWindow(KafkaFixture kafka) throws Exception {
    FailOnceAfterCheckpoint.reset();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.eo.flows." + run;
    String traffic = "it.eo.traffic." + run;
    String dlq = "it.eo.dlq." + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(2, flows, traffic, dlq);

    List<byte[]> arrivals = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    Map<String, TrafficAccumulator> expected = generate(arrivals, partitions);
    topics.produce(flows, arrivals, partitions::get);

    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--traffic-topic", traffic, "--dlq-topic", dlq, "--group-id", "it-eo-" + run,
        "--starting-offsets", "earliest", "--bounded", "--rollup", "0", "--checkpoint-interval", "300ms",
        "--restart-attempts", "3", "--restart-delay", "200ms");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(2);
    Properties client = config.kafkaClientProperties();
    long failAfter = arrivals.size() / 4;
    TrafficAggregationJob job = new TrafficAggregationJob(config,
        FlowtelKafka.flowSource(client, flows, "it-eo-" + run, "earliest", true),
        FlowtelKafka.trafficSink(client, traffic, true, Duration.ofMinutes(5), "it-eo-traffic-" + run),
        FlowtelKafka.deadLetterSink(client, dlq, true, Duration.ofMinutes(5), "it-eo-dlq-" + run),
        stream -> stream.map(new FailOnceAfterCheckpoint<ClassifiedFlow>(failAfter)).returns(ClassifiedFlowSerializer.TYPE)
            .name("fail once"));
    job.configure(env);
    job.attachTo(env);
    env.execute("exactly-once recovery IT");

    assertThat(FailOnceAfterCheckpoint.failed()).as("the job failed once mid-stream").isTrue();
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

  /** 3,000 exchanges (12,000 observations... each seen twice) on 40 edges, in event-time order per partition. */
  private static Map<String, TrafficAccumulator> generate(List<byte[]> arrivals, List<Integer> partitions) {
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
        arrivals.add(bytes);
        partitions.add(client % 2);
        classifier.classify(codec.decode(bytes).orElseThrow()).ifPresent(c -> accumulate(expected, c));
      }
    }
    return expected;
  }

  private static void accumulate(Map<String, TrafficAccumulator> expected, ClassifiedFlow flow) {
    long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), 10_000L);
    String key = flow.edgeKey() + '@' + start + "/10000";
    expected.computeIfAbsent(key, k -> new TrafficAccumulator()).add(flow);
  }
}
