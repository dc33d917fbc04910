package dev.flowtel.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolRecord;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.SchemaCatalog;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The publisher's routing between producer and spool, against Kafka's MockProducer (completions by hand). */
@Timeout(60)
class FlowPublisherTest {

  @TempDir
  Path dir;

  final CollectorMetrics metrics = new CollectorMetrics();

  static SpoolRecord record(int i) {
    return new SpoolRecord("flows", ("edge-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
  }

  static List<String> keys(List<ProducerRecord<byte[], byte[]>> history) {
    return history.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
  }

  static List<String> edges(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "edge-" + i).toList();
  }

  MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  DiskSpool spool() {
    return DiskSpool.open(SpoolSettings.defaults(dir).withSegmentBytes(4096).withMaxBytes(1 << 20));
  }

  PublisherSettings settings() {
    return PublisherSettings.defaults().withTopics("flows", "state").withReplay(100, Duration.ZERO);
  }

  @Test
  void flowsAreEncodedAndKeyedByTheirPartitionKey() {
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withEpisodesPerType(0)).generate(50);
    MockProducer<byte[], byte[]> producer = producer(true);
    try (FlowPublisher publisher = new FlowPublisher(settings(), producer, spool(), metrics).start()) {
      flows.forEach(f -> publisher.flow(f.flow(), f.edgeKey()));
      publisher.clusterState("Namespace/gone", null);
    }
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    int current = SchemaCatalog.published().versions(RecordType.FLOW_EVENT.name()).size();
    List<ProducerRecord<byte[], byte[]>> history = producer.history();
    assertThat(history).hasSize(51);
    for (int i = 0; i < 50; i++) {
      assertThat(history.get(i).topic()).isEqualTo("flows");
      assertThat(new String(history.get(i).key(), StandardCharsets.UTF_8)).isEqualTo(flows.get(i).edgeKey());
      assertThat(codec.decode(history.get(i).value())).isEqualTo(new DecodeResult.Decoded<>(flows.get(i).flow(), current));
    }
    assertThat(history.get(50).topic()).isEqualTo("state");
    assertThat(history.get(50).value()).as("tombstone").isNull();
    assertThat(metrics.publishedCount()).isEqualTo(51);
    assertThat(metrics.spooledCount()).isZero();
  }

  /** checkout's pod 10.244.1.7 asked kube-dns for api.example.com; {@code client} null when enrichment knew no pod. */
  static DnsTransaction dnsTransaction(boolean enriched) {
    Instant at = Instant.parse("2026-12-05T10:00:00Z");
    return DnsTransaction.newBuilder().setQueryTime(at).setResponseTime(at.plusMillis(2)).setLatencyNanos(2_000_000L)
        .setNode("node-1").setIpVersion(4).setClientAddr(ByteBuffer.wrap(new byte[] {10, (byte) 244, 1, 7}))
        .setServerAddr(ByteBuffer.wrap(new byte[] {10, 96, 0, 10})).setClientPort(40_001).setServerPort(53).setProtocol(17)
        .setTransactionId(0x1234).setQueryName("api.example.com").setQueryType(1).setResponseCode(0).setAnswerCount(1)
        .setAnswers(List.of(new DnsAnswer(ByteBuffer.wrap(new byte[] {104, 20, 67, (byte) 143}), 300L)))
        .setClient(enriched ? Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod("checkout-7d9f-abcde")
            .setWorkloadKind("Deployment").setWorkloadName("checkout").build() : null)
        .build();
  }

  @Test
  void dnsTransactionsGoToTheDnsTopicKeyedByTheClientsWorkloadElseItsAddress() {
    MockProducer<byte[], byte[]> producer = producer(true);
    try (FlowPublisher publisher = new FlowPublisher(settings().withDnsTopic("dns"), producer, spool(), metrics).start()) {
      publisher.dnsTransaction(dnsTransaction(true));
      publisher.dnsTransaction(dnsTransaction(false));
    }
    WireCodec<DnsTransaction> codec = WireCodec.of(RecordType.DNS_TRANSACTION);
    List<ProducerRecord<byte[], byte[]>> history = producer.history();
    assertThat(history).extracting(ProducerRecord::topic).containsExactly("dns", "dns");
    assertThat(keys(history)).containsExactly("shop/checkout", "10.244.1.7");
    assertThat(codec.decode(history.get(0).value())).isInstanceOfSatisfying(DecodeResult.Decoded.class,
        d -> assertThat(d.record()).isEqualTo(dnsTransaction(true)));
    assertThat(metrics.publishedCount()).isEqualTo(2);
  }

  @Test
  void whenTheProducerFallsBehindNewRecordsGoToTheSpoolAndComeOutInOrder() {
    MockProducer<byte[], byte[]> producer = producer(false);
    DiskSpool spool = spool();
    try (FlowPublisher publisher = new FlowPublisher(settings().withSpillThresholds(5, Duration.ofMinutes(1)), producer, spool, metrics).start()) {
      for (int i = 0; i < 20; i++) {
        publisher.hand(record(i));
      }
      await().until(() -> spool.pendingRecords() == 15);
      assertThat(keys(producer.history())).isEqualTo(edges(0, 5));
      assertThat(publisher.spilling()).isTrue();

      for (int i = 0; i < 5; i++) {
        producer.completeNext();
      }
      // Nothing in flight: the spool is replayed in one round of 15.
      await().until(() -> producer.history().size() == 20);
      publisher.hand(record(20)); // the spool still has data, so this one queues behind it
      await().until(() -> spool.pendingRecords() == 16);
      while (producer.completeNext()) {
        // acknowledge the round
      }
      await().until(() -> producer.history().size() == 21);
      while (producer.completeNext()) {
        // and the last record's round
      }
      await().until(() -> spool.isEmpty() && !publisher.spilling());
      publisher.hand(record(21));
      await().until(() -> producer.history().size() == 22);
      producer.completeNext();
    }
    assertThat(keys(producer.history())).isEqualTo(edges(0, 22));
    assertThat(metrics.spooledCount()).isEqualTo(16);
    assertThat(metrics.replayedCount()).isEqualTo(16);
    assertThat(metrics.publishedCount()).isEqualTo(22);
  }

  @Test
  void failedDeliveriesGoInFrontOfTheSpool() {
    MockProducer<byte[], byte[]> producer = producer(false);
    DiskSpool spool = spool();
    try (FlowPublisher publisher = new FlowPublisher(settings(), producer, spool, metrics).start()) {
      for (int i = 0; i < 4; i++) {
        publisher.hand(record(i));
      }
      await().until(() -> producer.history().size() == 4);
      producer.completeNext();                                          // edge-0 delivered
      producer.errorNext(new TimeoutException("delivery timed out"));   // edge-1 fails: spilling starts
      await().until(publisher::spilling);
      for (int i = 4; i < 8; i++) {
        publisher.hand(record(i));                                     // spooled behind
      }
      await().until(() -> spool.pendingRecords() == 4);
      producer.errorNext(new TimeoutException("delivery timed out"));   // edge-2
      producer.errorNext(new TimeoutException("delivery timed out"));   // edge-3
      // All sends completed: 1..3 are put in front of 4..7, then the round of 7 is sent.
      await().until(() -> producer.history().size() == 11);
      while (producer.completeNext()) {
        // acknowledge the replay
      }
      await().until(spool::isEmpty);
    }
    List<String> sent = keys(producer.history());
    assertThat(sent.subList(4, 11)).isEqualTo(edges(1, 8));
    assertThat(metrics.publishedCount()).isEqualTo(8);
  }

  @Test
  void aRestartedPublisherSendsWhatAnEarlierRunSpooled() {
    MockProducer<byte[], byte[]> down = producer(false);
    down.sendException = new TimeoutException("Topic flows not present in metadata after 250 ms.");
    try (FlowPublisher publisher = new FlowPublisher(settings(), down, spool(), metrics).start()) {
      for (int i = 0; i < 30; i++) {
        publisher.hand(record(i));
      }
    }
    CollectorMetrics second = new CollectorMetrics();
    DiskSpool reopened = spool();
    assertThat(reopened.pendingRecords()).isEqualTo(30);
    MockProducer<byte[], byte[]> up = producer(true);
    try (FlowPublisher publisher = new FlowPublisher(settings(), up, reopened, second).start()) {
      await().until(reopened::isEmpty);
      publisher.hand(record(30));
    }
    assertThat(keys(up.history())).isEqualTo(edges(0, 31));
    assertThat(second.replayedCount()).isEqualTo(30);
    assertThat(second.publishedCount()).isEqualTo(31);
  }

  @Test
  void aSendThatFailsInsideTheProducerSpillsEverythingBehindIt() {
    // Kafka's producer reports "no metadata after max.block.ms" through the callback, inside
    // send(), after blocking: the publisher must not pay that wait once per record.
    AtomicInteger sends = new AtomicInteger();
    MockProducer<byte[], byte[]> down = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        sends.incrementAndGet();
        TimeoutException error = new TimeoutException("Topic flows not present in metadata after 250 ms.");
        callback.onCompletion(null, error);
        return CompletableFuture.failedFuture(error);
      }
    };
    DiskSpool spool = spool();
    FlowPublisher publisher = new FlowPublisher(settings().withReplay(100, Duration.ofMinutes(1)), down, spool, metrics);
    for (int i = 0; i < 1000; i++) {
      publisher.hand(record(i)); // queued before the thread starts: one drained batch
    }
    publisher.start();
    await().until(() -> spool.pendingRecords() == 1000);
    publisher.close();
    assertThat(sends.get()).as("sends attempted: the first record and one replay attempt at most").isLessThanOrEqualTo(2);
    DiskSpool reopened = spool();
    assertThat(reopened.peek(2000, Long.MAX_VALUE)).isEqualTo(IntStream.range(0, 1000).mapToObj(FlowPublisherTest::record).toList());
    reopened.close();
  }

  @Test
  void aPublisherClosedWhileSpillingSendsTheSpoolWhenTheBrokerTakesIt() {
    // The first delivery fails (a broker that was briefly away), so what follows is spooled; the
    // broker takes the rest. Closing must hand the spool to it, not leave it on the node's disk.
    AtomicInteger sends = new AtomicInteger();
    MockProducer<byte[], byte[]> flaky = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (sends.getAndIncrement() == 0) {
          TimeoutException error = new TimeoutException("Expiring 1 record(s) for flows-0: 120000 ms has passed since batch creation");
          callback.onCompletion(null, error);
          return CompletableFuture.failedFuture(error);
        }
        return super.send(record, callback);
      }
    };
    DiskSpool spool = spool();
    FlowPublisher publisher = new FlowPublisher(settings(), flaky, spool, metrics);
    for (int i = 0; i < 500; i++) {
      publisher.hand(record(i)); // never started: close() routes all of them on this thread
    }
    publisher.close();
    assertThat(spool().pendingRecords()).as("records left in the spool for a next run").isZero();
    assertThat(keys(flaky.history())).isEqualTo(edges(0, 500));
    assertThat(metrics.publishedCount()).isEqualTo(500);
  }

  @Test
  void aPublisherClosedWhileTheBrokerIsAwayKeepsTheSpoolWithoutWaitingOutItsTimeout() {
    MockProducer<byte[], byte[]> down = producer(true);
    down.sendException = new TimeoutException("Topic flows not present in metadata after 250 ms.");
    DiskSpool spool = spool();
    FlowPublisher publisher = new FlowPublisher(settings().withShutdownTimeout(Duration.ofMinutes(10)), down, spool, metrics);
    for (int i = 0; i < 100; i++) {
      publisher.hand(record(i));
    }
    publisher.close(); // one refused replay ends the shutdown: the class timeout fails a close that waits out ten minutes
    assertThat(spool().peek(200, Long.MAX_VALUE)).isEqualTo(IntStream.range(0, 100).mapToObj(FlowPublisherTest::record).toList());
  }

  @Test
  void whenThePublisherThreadDiesSourcesAreNotHeldUp() {
    MockProducer<byte[], byte[]> broken = producer(true);
    broken.sendException = new IllegalStateException("producer is broken");
    FlowPublisher publisher = new FlowPublisher(settings().withQueue(4, Duration.ofSeconds(30)), broken, spool(), metrics).start();
    publisher.hand(record(0));
    await().until(() -> publisher.queued() == 0 && !Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("flowtel-publisher") && t.isAlive()));
    for (int i = 1; i <= 10; i++) {
      publisher.hand(record(i)); // would wait 30 s each if the queue were still waited on
    }
    assertThat(metrics.lostCount(CollectorMetrics.LOST_PUBLISHER_FAILED)).isEqualTo(10);
    org.assertj.core.api.Assertions.assertThatThrownBy(publisher::close).hasMessageContaining("producer is broken");
  }

  @Test
  void aRecordThatFindsTheQueueFullForTheWholeHandoffIsCountedAsLost() {
    FlowPublisher publisher = new FlowPublisher(settings().withQueue(2, Duration.ofMillis(10)), producer(true), spool(), metrics);
    for (int i = 0; i < 3; i++) {
      publisher.hand(record(i)); // not started: nobody takes from the queue
    }
    assertThat(metrics.lostCount(CollectorMetrics.LOST_HANDOFF)).isEqualTo(1);
    publisher.close();
    assertThat(metrics.publishedCount()).as("closing sends what was queued").isEqualTo(2);
  }
}
