package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.DnsDocuments;
import dev.flowtel.sink.elasticsearch.document.DocumentBuilder;
import dev.flowtel.sink.elasticsearch.document.FlowDocuments;
import dev.flowtel.sink.elasticsearch.document.StagedVerdictDocuments;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.metrics.SinkLatency;
import dev.flowtel.sink.elasticsearch.writer.BulkDocumentWriter;
import dev.flowtel.sink.elasticsearch.writer.DocumentWriter;
import dev.flowtel.sink.elasticsearch.writer.WriterStats;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone Kafka-to-Elasticsearch sink: consumes the traffic, anomaly and staged-verdict
 * topics (and, when asked, raw flows), writes each record's document, and commits a batch's
 * offsets only after every document of the batch is acknowledged and every dead letter of it is
 * stored. While Elasticsearch is away the batch waits (the writer retries with backoff) and the
 * consumer is paused but kept in its group, so nothing is skipped and nothing is committed early.
 * A crash replays from the last commit; deterministic ids and external versions make the replay
 * harmless.
 */
public final class SinkService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SinkService.class);

  /** How the records of one topic become documents. */
  private record Route<T extends SpecificRecordBase>(WireCodec<T> codec, DocumentBuilder<T> builder, Predicate<T> keep,
      Function<T, SinkLatency.Measured> measure) {}

  private final SinkServiceSettings settings;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaDeadLetters deadLetters;
  private final ElasticsearchClients elasticsearch;
  private final DocumentWriter<KafkaOrigin> writer;
  private final Map<String, Route<?>> routes = new HashMap<>();
  private final SinkLatency latency = new SinkLatency();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean waitingForElasticsearch;
  private long committedBatches;
  private long deadLettered;

  public SinkService(SinkServiceSettings settings) {
    this.settings = settings;
    Map<String, Object> kafka = KafkaClientProperties.load(settings.bootstrapServers(), settings.kafkaProperties());
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put("group.id", settings.groupId());
    consumerConfig.put("enable.auto.commit", "false");
    consumerConfig.put("isolation.level", "read_committed");
    consumerConfig.putIfAbsent("auto.offset.reset", "earliest");
    consumerConfig.putIfAbsent("max.poll.records", Integer.toString(Math.min(settings.writer().maxPendingDocuments(), 5_000)));
    consumerConfig.putIfAbsent("client.id", "flowtel-es-sink");
    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.put("acks", "all");
    producerConfig.put("enable.idempotence", "true");
    producerConfig.putIfAbsent("client.id", "flowtel-es-sink-dlq");
    this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    this.deadLetters = new KafkaDeadLetters(producer, settings.deadLetterTopic());
    this.elasticsearch = ElasticsearchClients.open(settings.elasticsearch());
    this.writer = new BulkDocumentWriter<>(elasticsearch.client(), settings.writer(), deadLetters, (document, origin) -> {
      if (origin.measured() != null) {
        latency.indexed(origin.measured(), System.currentTimeMillis());
      }
    });
    routes.put(settings.trafficTopic(), new Route<ServiceTraffic>(WireCodec.of(RecordType.SERVICE_TRAFFIC),
        new TrafficDocuments(settings.names()), t -> true, SinkLatency::of));
    routes.put(settings.anomaliesTopic(), new Route<PolicyAnomaly>(WireCodec.of(RecordType.POLICY_ANOMALY),
        new AnomalyDocuments(settings.names()), a -> true, SinkLatency::of));
    // Not measured: a verdict is emitted when its window closes plus the allowed lateness, so its
    // latency is the lateness, not the pipeline's.
    routes.put(settings.stagedVerdictsTopic(), new Route<StagedPolicyVerdict>(WireCodec.of(RecordType.STAGED_POLICY_VERDICT),
        new StagedVerdictDocuments(settings.names()), v -> true, v -> null));
    if (settings.indexFlows()) {
      FlowDocuments flows = new FlowDocuments(settings.names(), settings.flowSampleOneIn());
      routes.put(settings.flowsTopic(), new Route<FlowEvent>(WireCodec.of(RecordType.FLOW_EVENT), flows, flows::keeps, f -> null));
      // Every DNS transaction, unsampled: one per query, far fewer than flows, and error rates need them all.
      routes.put(settings.dnsTopic(), new Route<DnsTransaction>(WireCodec.of(RecordType.DNS_TRANSACTION),
          new DnsDocuments(settings.names()), t -> true, t -> null));
    }
  }

  /** Consumes until {@link #stop()}; returns normally after a stop, throws when the sink cannot go on. */
  public void run() throws InterruptedException {
    consumer.subscribe(List.copyOf(routes.keySet()));
    log.info("sink consuming {} into Elasticsearch {} (indices {}*)", routes.keySet(), settings.elasticsearch().describe(),
        settings.names().prefix());
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        addAll(records, offsets);
        if (!awaitAcknowledged(offsets)) {
          return;
        }
        deadLetters.flush();
        commit(offsets);
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      stopped.countDown();
    }
  }

  /** Asks {@link #run()} to return after the batch in hand; uncommitted records are read again by the next run. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  /** Latency from each record's evidence end to the topic and to Elasticsearch; also what /metrics serves. */
  public SinkLatency latency() {
    return latency;
  }

  public WriterStats writerStats() {
    return writer.stats();
  }

  /**
   * Whether the sink holds a batch back, uncommitted, because Elasticsearch has not acknowledged
   * every document of it within a second (an outage, or Elasticsearch refusing load). Set by the
   * consuming thread after it decided not to commit, so a caller that sees it knows that decision.
   */
  public boolean waitingForElasticsearch() {
    return waitingForElasticsearch;
  }

  public long deadLettered() {
    return deadLettered + writer.stats().rejected();
  }

  @Override
  public void close() {
    stop();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.close();
    elasticsearch.close();
    producer.close(Duration.ofSeconds(10));
    consumer.close(Duration.ofSeconds(10));
    log.info("sink stopped after {} committed batches; {}", committedBatches, writer.stats());
  }

  private void addAll(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> offsets) throws InterruptedException {
    // A read_committed poll returns a record once its transaction committed: when it became visible.
    long polledAt = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      KafkaOrigin origin = new KafkaOrigin(record.topic(), record.partition(), record.offset(), record.key(), record.value());
      Route<?> route = routes.get(record.topic());
      if (route != null && record.value() != null) {
        write(route, origin, polledAt);
      }
      offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }
  }

  private <T extends SpecificRecordBase> void write(Route<T> route, KafkaOrigin origin, long polledAt) throws InterruptedException {
    DecodeResult<T> result = route.codec().decode(origin.value());
    if (result instanceof DecodeResult.Failed<T> failed) {
      deadLetters.send(origin, failed.cause().reason(), failed.detail());
      deadLettered++;
      return;
    }
    T record = result.orElseThrow();
    if (route.keep().test(record)) {
      SinkLatency.Measured measured = route.measure().apply(record);
      if (measured != null) {
        latency.committed(measured, polledAt);
      }
      writer.add(route.builder().build(record), origin.withMeasured(measured));
    }
  }

  /**
   * Waits until the writer acknowledged everything added. Meanwhile the consumer is paused and
   * polled, so a long outage does not cost the group membership; records a poll still returns
   * (from a partition assigned meanwhile) join the batch.
   */
  private boolean awaitAcknowledged(Map<TopicPartition, OffsetAndMetadata> offsets) throws InterruptedException {
    Set<TopicPartition> paused = Set.of();
    try {
      while (!writer.flush(Duration.ofSeconds(1))) {
        if (!running) {
          log.warn("stopping with {} document(s) not acknowledged; their records are not committed and will be read again",
              writer.unacknowledged());
          return false;
        }
        waitingForElasticsearch = true;
        paused = consumer.assignment();
        consumer.pause(paused);
        ConsumerRecords<byte[], byte[]> more = consumer.poll(Duration.ZERO);
        if (!more.isEmpty()) {
          addAll(more, offsets);
        }
      }
    } finally {
      waitingForElasticsearch = false;
      if (!paused.isEmpty()) {
        consumer.resume(consumer.paused());
      }
    }
    return true;
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
    owned.keySet().retainAll(consumer.assignment());
    try {
      consumer.commitSync(owned);
      committedBatches++;
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved to another member, which reads these records again; writing them twice is harmless.
      log.warn("could not commit offsets after a rebalance ({}); the new owner re-reads those records", e.getMessage());
    }
  }

  /** The topics this sink consumes, for status lines. */
  public List<String> topics() {
    return new ArrayList<>(routes.keySet());
  }
}
