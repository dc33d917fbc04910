package dev.flowtel.flink.testing;

import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.CommittedRecords;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Topic chores of the Flink ITs against the real broker. */
public final class KafkaTopics {

  private final String bootstrap;

  public KafkaTopics(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  public void create(int partitions, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        // Window results carry event-time timestamps from the scripted past: keep them.
        topics.add(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
      }
      NewTopics.create(admin, topics);
    }
  }

  /** Sends each value to partition {@code partitionOf.apply(index)}, in order. */
  public void produce(String topic, List<byte[]> values, java.util.function.IntUnaryOperator partitionOf) throws Exception {
    try (var producer = InputProducer.create(bootstrap)) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, partitionOf.applyAsInt(i), null, values.get(i)));
      }
    }
  }

  /**
   * Everything committed in the topic, read with read_committed up to each partition's end (its
   * last stable offset). For topics written by a job that has finished: nothing more is coming.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    return CommittedRecords.readToEnd(bootstrap, topic, Duration.ofSeconds(60));
  }

  /**
   * Whether consumer group {@code groupId} has committed at least {@code ends} on each of their
   * partitions. A Flink Kafka source commits the offsets of a checkpoint once it completed, so this
   * holds once a completed checkpoint covers the input up to {@code ends}.
   */
  public boolean committedUpTo(String groupId, Map<TopicPartition, Long> ends) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
          && committed.get(end.getKey()).offset() >= end.getValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the offsets of " + groupId, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not read the offsets of " + groupId, e);
    }
  }

  /**
   * Reads {@code topic} with read_uncommitted until a record {@code wanted} accepts arrives: output
   * a job has sent, whether or not its transaction has committed. The deadline is only a safety net
   * for a job that never writes it.
   */
  public ConsumerRecord<byte[], byte[]> awaitUncommitted(String topic, String what,
      Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "isolation.level", "read_uncommitted", "enable.auto.commit", false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (wanted.test(record)) {
            return record;
          }
        }
      }
      throw new IllegalStateException("no " + what + " in " + topic + " within 180 s");
    }
  }

  /** The window start of one record of a traffic topic, in epoch millis. */
  public static long trafficWindowStart(ConsumerRecord<byte[], byte[]> record) {
    return decodeTraffic(List.of(record)).get(0).getWindowStart().toEpochMilli();
  }

  public static List<ServiceTraffic> decodeTraffic(List<ConsumerRecord<byte[], byte[]>> records) {
    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    return records.stream().map(r -> codec.decode(r.value()).orElseThrow()).toList();
  }
}
