package dev.flowtel.flink.traffic;

import static dev.flowtel.flink.traffic.ScriptedFlows.CHECKOUT_0;
import static dev.flowtel.flink.traffic.ScriptedFlows.CHECKOUT_0_IP;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_1;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_1_IP;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_2;
import static dev.flowtel.flink.traffic.ScriptedFlows.FRONTEND_2_IP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given scripted flows and a poison record on a flows topic of the real broker, when the job as
 * deployed (Kafka source, transactional Kafka sinks) runs bounded on a MiniCluster, then a
 * read_committed consumer sees exactly the expected windows, and the poison record sits in the
 * DLQ with its reason and the topic, partition and offset it came from.
 */
@WithKafka
@Timeout(240)
class TrafficAggregationKafkaIT {

  @Test
  void theDeployedJobReadsFlowsFromKafkaAndWritesWindowsAndDeadLettersExactlyOnce(KafkaFixture kafka) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.flows." + run;
    String traffic = "it.traffic." + run;
    String dlq = "it.dlq." + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(1, flows, traffic, dlq);
    List<byte[]> arrivals = new ScriptedFlows()
        .exchange(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 2.0, 500, 9_000, 0x12, 0x12, 300L)
        .garbage(new byte[] {(byte) 0xC3, 0x01, 1, 2})
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42000, CHECKOUT_0, CHECKOUT_0_IP, 8080, 4.0, 700, 120, 0x12, 0x16, 200L)
        .exchange(FRONTEND_2, FRONTEND_2_IP, 42001, CHECKOUT_0, CHECKOUT_0_IP, 8080, 31.0, 800, 1_600, 0x13, 0x13, 900L)
        .arrivals();
    topics.produce(flows, arrivals, i -> 0);

    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--flows-topic", flows, "--traffic-topic", traffic, "--dlq-topic", dlq, "--group-id", "it-" + run,
        "--starting-offsets", "earliest", "--bounded", "--rollup", "0", "--checkpoint-interval", "1s",
        "--restart-attempts", "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
    job.configure(env);
    job.attachTo(env);
    env.execute("traffic aggregation IT");

    List<String> windows = KafkaTopics.decodeTraffic(topics.readCommitted(traffic)).stream()
        .map(TrafficAggregationJobTest::describe).toList();
    assertThat(windows).containsExactlyInAnyOrder(
        "shop/Deployment/frontend>shop/Service/checkout:8080/6 @0s+10s r0: bytes 1200/9120 packets 2/10 flows 2 opened 2 closed 0 resets 1 pods 2 rtt p50 300 p99 300",
        "shop/Deployment/frontend>shop/Service/checkout:8080/6 @30s+10s r0: bytes 800/1600 packets 1/1 flows 1 opened 1 closed 1 resets 0 pods 1 rtt p50 900 p99 900");

    List<ConsumerRecord<byte[], byte[]>> deadLetters = topics.readCommitted(dlq);
    assertThat(deadLetters).singleElement().satisfies(letter -> {
      assertThat(letter.value()).containsExactly((byte) 0xC3, 0x01, 1, 2);
      assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("truncated");
      assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(flows);
      assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("4");
      assertThat(header(letter, DeadLetterHeaders.DETAIL)).contains("single-object header needs 10 bytes");
    });
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
