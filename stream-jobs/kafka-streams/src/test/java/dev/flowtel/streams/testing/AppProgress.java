package dev.flowtel.streams.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the application under test is in its input, read from the broker, for ITs to wait on states
 * instead of time: the offsets its consumer group committed on the flows topic and on its
 * repartition topics, and whether a transaction is open on a topic. Under exactly-once, an input
 * offset is committed in the same transaction as the output of the records before it, so once
 * every input partition is committed to its end and no transaction is open there, every result of
 * the input is committed, and (with no wall-clock advance of event time) nothing more comes.
 */
public final class AppProgress {

  private static final Duration CALL = Duration.ofSeconds(30);

  private AppProgress() {}

  /**
   * Waits until application {@code applicationId} has processed and committed every record of its
   * input: the flows topic and its repartition topics, each to its end (records of aborted
   * transactions and transaction markers aside), with no transaction open on them.
   */
  public static void awaitAllInputCommitted(String bootstrap, String applicationId, String flowsTopic, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin(bootstrap); var reader = readCommitted(bootstrap)) {
      while (true) {
        Optional<String> behind = behind(admin, reader, applicationId, flowsTopic);
        if (behind.isEmpty()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("application " + applicationId + " did not commit all its input within " + timeout + ": "
              + behind.get());
        }
        Thread.sleep(100); // how often to look, not what is waited for
      }
    }
  }

  /** Waits until no transaction is open on any partition of {@code topics}; returns their ends (last stable offsets). */
  public static Map<TopicPartition, Long> awaitNoOpenTransaction(String bootstrap, List<String> topics, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin(bootstrap)) {
      List<TopicPartition> partitions = partitions(admin, topics);
      while (true) {
        Map<TopicPartition, Long> stable = ends(admin, partitions, IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> high = ends(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
        if (stable.equals(high)) {
          return stable;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("a transaction stayed open on " + topics + " for " + timeout + ": last stable offsets "
              + stable + ", ends " + high);
        }
        Thread.sleep(100);
      }
    }
  }

  /** The partitions of {@code topics} on which a transaction is open now (last stable offset behind the end). */
  public static List<TopicPartition> openTransactions(Admin admin, List<String> topics) throws Exception {
    List<TopicPartition> partitions = partitions(admin, topics);
    Map<TopicPartition, Long> stable = ends(admin, partitions, IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> high = ends(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
    return partitions.stream().filter(p -> stable.get(p) < high.get(p)).toList();
  }

  /** The application's repartition topics (Kafka Streams names them {@code <application id>-<name>-repartition}). */
  public static List<String> repartitionTopics(Admin admin, String applicationId) throws Exception {
    return admin.listTopics().names().get(CALL.toSeconds(), TimeUnit.SECONDS).stream()
        .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).sorted().toList();
  }

  /** What is still to be committed, or empty when nothing is. */
  private static Optional<String> behind(Admin admin, KafkaConsumer<byte[], byte[]> reader, String applicationId,
      String flowsTopic) throws Exception {
    // Committed offsets first: the ends read after them include every record their transactions wrote.
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
        .partitionsToOffsetAndMetadata().get(CALL.toSeconds(), TimeUnit.SECONDS);
    List<String> inputs = new ArrayList<>();
    inputs.add(flowsTopic);
    inputs.addAll(repartitionTopics(admin, applicationId));
    List<TopicPartition> partitions = partitions(admin, inputs);
    Map<TopicPartition, Long> stable = ends(admin, partitions, IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> high = ends(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
    for (TopicPartition p : partitions) {
      if (stable.get(p) < high.get(p)) {
        return Optional.of(p + " has a transaction open (last stable offset " + stable.get(p) + ", end " + high.get(p) + ")");
      }
      OffsetAndMetadata offset = committed.get(p);
      long at = offset == null ? 0 : offset.offset();
      // Kafka Streams may commit the offset before a trailing transaction marker: only records count.
      if (at < stable.get(p) && hasRecords(reader, p, at, stable.get(p))) {
        return Optional.of(p + " committed up to " + at + " of " + stable.get(p));
      }
    }
    return Optional.empty();
  }

  /** Whether read_committed finds a record in [{@code from}, {@code to}) of the partition. */
  private static boolean hasRecords(KafkaConsumer<byte[], byte[]> reader, TopicPartition p, long from, long to) {
    reader.assign(List.of(p));
    reader.seek(p, from);
    long deadline = System.nanoTime() + CALL.toNanos();
    while (reader.position(p) < to) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("could not read " + p + " from " + from + " to " + to + " within " + CALL);
      }
      for (var record : reader.poll(Duration.ofMillis(100)).records(p)) {
        if (record.offset() < to) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<TopicPartition> partitions(Admin admin, List<String> topics) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(CALL.toSeconds(), TimeUnit.SECONDS);
    for (String topic : topics) {
      described.get(topic).partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    return partitions;
  }

  private static Map<TopicPartition, Long> ends(Admin admin, List<TopicPartition> partitions, IsolationLevel isolation)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get(CALL.toSeconds(), TimeUnit.SECONDS)
        .forEach((p, info) -> ends.put(p, info.offset()));
    return ends;
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  private static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrap) {
    return new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "enable.auto.commit", false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
