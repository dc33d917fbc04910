package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted {@code flowtel.cluster-state.v1} topic: records keyed by kind/namespace/name,
 * values in the wire format of {@link WireCodec}, tombstones as null values. The producer is
 * idempotent with {@code acks=all}, so retries neither duplicate nor reorder the records of a key.
 * A record that still fails is fatal ({@code onFailure}): the process exits and its restart
 * resyncs everything, rather than leaving the topic silently stale.
 */
public final class KafkaClusterStateSink implements ClusterStateSink {

  private final String topic;
  private final Map<String, Object> settings;
  private final Duration readTimeout;
  private final KafkaProducer<String, byte[]> producer;
  private final WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
  private final Consumer<Exception> onFailure;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaClusterStateSink(String topic, Map<String, Object> kafkaSettings, Duration readTimeout,
      Consumer<Exception> onFailure) {
    this.topic = topic;
    this.settings = Map.copyOf(kafkaSettings);
    this.readTimeout = readTimeout;
    this.onFailure = onFailure;
    Map<String, Object> producerSettings = new HashMap<>(kafkaSettings);
    // Defaults only: a properties file that sets these wins, as --kafka-properties promises.
    producerSettings.putIfAbsent("enable.idempotence", "true");
    producerSettings.putIfAbsent("acks", "all");
    producerSettings.putIfAbsent("client.id", "flowtel-cluster-state");
    producerSettings.put("key.serializer", StringSerializer.class.getName());
    producerSettings.put("value.serializer", ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(producerSettings);
  }

  @Override
  public Set<String> liveKeys() {
    Map<String, Object> consumerSettings = new HashMap<>(settings);
    consumerSettings.put("key.deserializer", StringDeserializer.class.getName());
    consumerSettings.put("value.deserializer", ByteArrayDeserializer.class.getName());
    consumerSettings.put("enable.auto.commit", "false");
    consumerSettings.putIfAbsent("client.id", "flowtel-cluster-state-resync");
    consumerSettings.remove("group.id");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerSettings)) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, readTimeout);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new IllegalStateException("resync: no answer from Kafka at " + settings.get("bootstrap.servers") + " about topic "
            + topic + " within " + readTimeout + "; check --bootstrap-servers and --kafka-properties", e);
      }
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist: create it compacted "
            + "(deploy/kafka/topics.yaml, or ./flowtel's topic setup) before starting the publisher");
      }
      List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, readTimeout);
      Set<String> live = new HashSet<>();
      long deadline = System.nanoTime() + readTimeout.toNanos();
      while (!reachedEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("resync: could not read " + topic + " to its end within " + readTimeout
              + "; raise --resync-read-timeout or check the broker");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            live.remove(r.key());
          } else {
            live.add(r.key());
          }
        }
      }
      return live;
    }
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void publish(String key, ClusterState state) {
    byte[] value = state == null ? null : codec.encode(state);
    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
      if (error != null && failure.compareAndSet(null, error)) {
        onFailure.accept(new IllegalStateException("could not publish " + key + " to " + topic + ": " + error, error));
      }
    });
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
