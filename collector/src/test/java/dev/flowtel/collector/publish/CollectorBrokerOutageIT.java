package dev.flowtel.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher against the real broker: while simulator flows stream in, the broker is stopped
 * and started again; afterwards every flow is on the topic exactly once (count and byte sum equal)
 * and each partition key's flows are in the order they were handed over. A publisher closed with a
 * full spool while the broker is away hands it to the next run.
 *
 * <p>The outage is made of states, not of time: the broker stops once the publisher has delivered
 * directly (more records still on their way), and comes back once the publisher has spilled at
 * least {@link #SPILLED_IN_OUTAGE} records to the spool; the rest of the stream arrives while the
 * spool is replayed.
 */
@WithKafka
@Timeout(300)
class CollectorBrokerOutageIT {

  /** Records spooled during the outage before the broker comes back. */
  private static final int SPILLED_IN_OUTAGE = 10_001;
  /** The most records the test keeps in the publisher's queue, far below its capacity, so a slow machine never times out a hand-over. */
  private static final int QUEUE_LIMIT = 10_000;
  /** A limit for each state the test waits for; a passing run takes seconds. */
  private static final Duration LIMIT = Duration.ofSeconds(120);

  private final KafkaFixture kafka;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);

  CollectorBrokerOutageIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void theBrokerAwayMidStreamLosesNoFlowAndKeepsPerKeyOrder() throws Exception {
    String topic = "it.collector.flows." + run;
    createTopic(topic, 3);
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(7)).generate(90_000);
    Path spoolDir = Files.createTempDirectory(Path.of("target"), "spool-outage-");
    CollectorMetrics metrics = new CollectorMetrics();
    PublisherSettings settings = PublisherSettings.defaults().withTopics(topic, "it.collector.state." + run)
        .withSpillThresholds(20_000, Duration.ofSeconds(2));
    FlowPublisher publisher = new FlowPublisher(settings, producerConfig(), DiskSpool.open(SpoolSettings.defaults(spoolDir)), metrics).start();

    // The broker takes records directly; it goes away while the next ones are on their way.
    int handed = hand(publisher, flows, 0, 20_000);
    await().atMost(LIMIT).untilAsserted(() -> assertThat(metrics.publishedCount()).as("acknowledged before the outage").isGreaterThanOrEqualTo(10_000));
    kafka.stop();
    long spooledBefore;
    try {
      // Records keep coming: they are unacknowledged until the publisher spills them to the spool
      // (after the spill-after time or at the in-flight limit, whichever a record meets first).
      spooledBefore = metrics.spooledCount();
      while (!(publisher.spilling() && metrics.spooledCount() - spooledBefore >= SPILLED_IN_OUTAGE)) {
        assertThat(handed).as("flows left to hand over before %d were spooled in the outage", SPILLED_IN_OUTAGE).isLessThan(70_000);
        handed = hand(publisher, flows, handed, handed + 500);
        awaitRoomInQueue(publisher);
      }
    } finally {
      kafka.start();
    }
    // The rest arrives while the spool is replayed, and goes behind it.
    hand(publisher, flows, handed, flows.size());
    await().atMost(LIMIT).untilAsserted(() -> assertThat(metrics.publishedCount()).as("acknowledged in all").isGreaterThanOrEqualTo(flows.size()));
    publisher.close();

    assertThat(metrics.spooledCount()).as("records that went through the spool").isGreaterThan(10_000);
    assertThat(metrics.replayedCount()).isEqualTo(metrics.spooledCount());
    assertThat(metrics.lostCount(CollectorMetrics.LOST_HANDOFF)).isZero();
    assertArrivedExactlyOnceInOrder(topic, flows);
  }

  /** Hands flows {@code from} (inclusive) to {@code to} (exclusive, capped at the end) over, in order, the queue never fuller than {@link #QUEUE_LIMIT}; returns where it stopped. */
  private static int hand(FlowPublisher publisher, List<LabeledFlow> flows, int from, int to) {
    int end = Math.min(to, flows.size());
    for (int i = from; i < end; i++) {
      if (i % 500 == 0) {
        awaitRoomInQueue(publisher);
      }
      publisher.flow(flows.get(i).flow(), flows.get(i).edgeKey());
    }
    return end;
  }

  private static void awaitRoomInQueue(FlowPublisher publisher) {
    if (publisher.queued() >= QUEUE_LIMIT - 500) {
      await().atMost(LIMIT).pollInterval(Duration.ofMillis(5)).until(() -> publisher.queued() < QUEUE_LIMIT - 500);
    }
  }

  @Test
  void aPublisherRestartedWithAFullSpoolDeliversIt() throws Exception {
    String topic = "it.collector.restart." + run;
    String dnsTopic = "it.collector.dns." + run;
    createTopic(topic, 2);
    createTopic(dnsTopic, 2);
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(11)).generate(5_000);
    Path spoolDir = Files.createTempDirectory(Path.of("target"), "spool-restart-");
    PublisherSettings settings = PublisherSettings.defaults().withTopics(topic, "it.collector.state." + run).withDnsTopic(dnsTopic)
        .withShutdownTimeout(Duration.ofSeconds(2));

    kafka.stop();
    CollectorMetrics first = new CollectorMetrics();
    try {
      FlowPublisher publisher = new FlowPublisher(settings, producerConfig(), DiskSpool.open(SpoolSettings.defaults(spoolDir)), first).start();
      flows.forEach(f -> publisher.flow(f.flow(), f.edgeKey()));
      publisher.dnsTransaction(FlowPublisherTest.dnsTransaction(true));
      publisher.close();
    } finally {
      kafka.start();
    }
    assertThat(first.publishedCount()).isZero();

    DiskSpool spool = DiskSpool.open(SpoolSettings.defaults(spoolDir));
    assertThat(spool.pendingRecords()).as("the flows and the DNS transaction").isEqualTo(5_001);
    CollectorMetrics second = new CollectorMetrics();
    FlowPublisher restarted = new FlowPublisher(settings, producerConfig(), spool, second).start();
    await().atMost(LIMIT).until(spool::isEmpty);
    restarted.close();
    assertThat(second.replayedCount()).isEqualTo(5_001);
    assertArrivedExactlyOnceInOrder(topic, flows);
    List<ConsumerRecord<byte[], byte[]>> dns = PublishedTopics.readToEnd(kafka.bootstrapServers(), dnsTopic);
    assertThat(dns).as("the DNS transaction spooled in the outage, on its own topic").hasSize(1);
    assertThat(new String(dns.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("shop/checkout");
    assertThat(WireCodec.of(RecordType.DNS_TRANSACTION).decode(dns.get(0).value())).isInstanceOfSatisfying(DecodeResult.Decoded.class,
        d -> assertThat(d.record()).isEqualTo(FlowPublisherTest.dnsTransaction(true)));
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
    List<ConsumerRecord<byte[], byte[]>> records = PublishedTopics.readToEnd(kafka.bootstrapServers(), topic);
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

  private void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      NewTopics.create(admin, List.of(new NewTopic(topic, partitions, (short) 1)));
    }
  }
}
