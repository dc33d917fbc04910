package dev.flowtel.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.SimulatorSettings;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher against the real broker: while simulator flows stream in, the broker is stopped
 * for 30 s and started again; afterwards every flow is on the topic exactly once (count and byte
 * sum equal) and each partition key's flows are in the order they were handed over. A publisher
 * closed with a full spool while the broker is away hands it to the next run.
 */
@WithKafka
@Timeout(300)
class CollectorBrokerOutageIT {

  private final KafkaFixture kafka;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);

  CollectorBrokerOutageIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void theBrokerAwayFor30SecondsMidStreamLosesNoFlowAndKeepsPerKeyOrder() throws Exception {
    String topic = "it.collector.flows." + run;
    createTopic(topic, 3);
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(7)).generate(90_000);
    Path spoolDir = Files.createTempDirectory(Path.of("target"), "spool-outage-");
    CollectorMetrics metrics = new CollectorMetrics();
    PublisherSettings settings = PublisherSettings.defaults().withTopics(topic, "it.collector.state." + run)
        .withSpillThresholds(50_000, Duration.ofSeconds(2));
    FlowPublisher publisher = new FlowPublisher(settings, producerConfig(), DiskSpool.open(SpoolSettings.defaults(spoolDir)), metrics).start();

    // 2,000 flows/s for 45 s: about 8 s before the outage, 30 s without a broker, 7 s after.
    Thread feeder = Thread.ofPlatform().name("it-feeder").start(() -> {
      long begin = System.nanoTime();
      for (int i = 0; i < flows.size(); i++) {
        publisher.flow(flows.get(i).flow(), flows.get(i).edgeKey());
        if (i % 100 == 99) {
          long due = begin + (i + 1) * 500_000L;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }
    });
    Thread.sleep(8_000);
    kafka.stop();
    try {
      Thread.sleep(30_000);
      assertThat(publisher.spilling()).as("spilling while the broker is away").isTrue();
    } finally {
      kafka.start();
    }
    feeder.join();
    await().atMost(Duration.ofSeconds(120)).until(() -> !publisher.spilling() && publisher.queued() == 0);
    publisher.close();

    assertThat(metrics.spooledCount()).as("records that went through the spool").isGreaterThan(10_000);
    assertThat(metrics.replayedCount()).isEqualTo(metrics.spooledCount());
    assertThat(metrics.lostCount(CollectorMetrics.LOST_HANDOFF)).isZero();
    assertArrivedExactlyOnceInOrder(topic, flows);
  }

  @Test
  void aPublisherRestartedWithAFullSpoolDeliversIt() throws Exception {
    String topic = "it.collector.restart." + run;
    createTopic(topic, 2);
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(11)).generate(5_000);
    Path spoolDir = Files.createTempDirectory(Path.of("target"), "spool-restart-");
    PublisherSettings settings = PublisherSettings.defaults().withTopics(topic, "it.collector.state." + run)
        .withShutdownTimeout(Duration.ofSeconds(2));

    kafka.stop();
    CollectorMetrics first = new CollectorMetrics();
    try {
      FlowPublisher publisher = new FlowPublisher(settings, producerConfig(), DiskSpool.open(SpoolSettings.defaults(spoolDir)), first).start();
      flows.forEach(f -> publisher.flow(f.flow(), f.edgeKey()));
      publisher.close();
    } finally {
      kafka.start();
    }
    assertThat(first.publishedCount()).isZero();

    DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(spoolDir));
    assertThat(spool.pendingRecords()).isEqualTo(5_000);
    CollectorMetrics second = new CollectorMetrics();
    FlowPublisher restarted = new FlowPublisher(settings, producerConfig(), spool, second).start();
    await().atMost(Duration.ofSeconds(90)).until(spool::isEmpty);
    restarted.close();
    assertThat(second.replayedCount()).isEqualTo(5_000);
    assertArrivedExactlyOnceInOrder(topic, flows);
  }

  private Map<String, Object> producerConfig() {
    return ProducerSettings.forPublisher(KafkaClientProperties.load(kafka.bootstrapServers(), null), "zstd");
  }

  private void assertArrivedExactlyOnceInOrder(String topic, List<LabeledFlow> flows) {
    Map<String, List<ByteBuffer>> expectedByKey = new LinkedHashMap<>();
    long expectedBytes = 0;
    for (LabeledFlow f : flows) {
      expectedByKey.computeIfAbsent(f.edgeKey(), k -> new ArrayList<>()).add(ByteBuffer.wrap(codec.encode(f.flow())));
      expectedBytes += f.flow().getBytes();
    }
    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, flows.size());
    Map<String, List<ByteBuffer>> actualByKey = new HashMap<>();
    long actualBytes = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      actualByKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(ByteBuffer.wrap(r.value()));
      if (codec.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent> d) {
        actualBytes += d.record().getBytes();
      }
    }
    assertThat(records).hasSize(flows.size());
    assertThat(actualBytes).isEqualTo(expectedBytes);
    assertThat(actualByKey.keySet()).isEqualTo(expectedByKey.keySet());
    for (var e : expectedByKey.entrySet()) {
      assertThat(actualByKey.get(e.getKey())).as("flows of key %s in order", e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Every record of the topic, partition by partition; polls on after {@code expected} to catch duplicates. */
  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", "false");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long quietSince = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        var batch = consumer.poll(Duration.ofMillis(500));
        batch.forEach(out::add);
        if (!batch.isEmpty()) {
          quietSince = System.nanoTime();
        } else if (out.size() >= expected && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(2)) {
          break;
        }
      }
      return out;
    }
  }

  private void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      NewTopics.create(admin, List.of(new NewTopic(topic, partitions, (short) 1)));
    }
  }
}
