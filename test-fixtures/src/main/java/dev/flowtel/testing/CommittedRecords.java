package dev.flowtel.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a topic holds for good: its committed records, read with read_committed from the
 * beginning to each partition's end (its last stable offset), each partition's in offset order. For
 * a topic whose writers have finished, when nothing more is coming.
 */
public final class CommittedRecords {

  private CommittedRecords() {}

  /**
   * Every committed record of {@code topic} up to the last stable offsets read now.
   *
   * @throws IllegalStateException when the topic does not exist, or is not read to its end within {@code timeout}
   */
  public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist: nothing was published to it");
      }
      return read(consumer, topic, consumer.endOffsets(partitions, timeout), deadline, timeout);
    }
  }

  /**
   * Every committed record of {@code topic} up to {@code ends}, offsets the caller knows to be
   * stable (no transaction open below them).
   *
   * @throws IllegalStateException when the topic is not read up to {@code ends} within {@code timeout}
   */
  public static List<ConsumerRecord<byte[], byte[]>> readUpTo(String bootstrap, String topic,
      Map<TopicPartition, Long> ends, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap)) {
      return read(consumer, topic, ends, deadline, timeout);
    }
  }

  private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap) {
    return new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "enable.auto.commit", false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, String topic,
      Map<TopicPartition, Long> ends, long deadline, Duration timeout) {
    consumer.assign(ends.keySet());
    consumer.seekToBeginning(ends.keySet());
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), timeout) < end.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its last stable offsets " + ends + " within " + timeout);
      }
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }
}
