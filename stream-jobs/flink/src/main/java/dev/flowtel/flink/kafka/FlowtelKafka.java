package dev.flowtel.flink.kafka;

import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowKafkaDeserializer;
import dev.flowtel.flink.input.SourceRecord;
import dev.flowtel.schema.ServiceTraffic;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/** Kafka sources and sinks of the Flink jobs, from a job's client properties. */
public final class FlowtelKafka {

  private FlowtelKafka() {}

  /**
   * Consumer settings for the flows topic, under the job's own client properties (which win): larger
   * polls and partition fetches than Kafka's defaults (500 records, 1 MB), because per-poll work in
   * the consumer and the source reader weighed on every flow. Measured with
   * {@code ./flowtel bench traffic}: +12% for the traffic job. No {@code fetch.min.bytes}: waiting
   * for fuller fetches would delay flows on a quiet cluster.
   */
  public static Properties flowConsumerProperties(Properties client) {
    Properties consumer = new Properties();
    consumer.setProperty("max.poll.records", "5000");
    consumer.setProperty("max.partition.fetch.bytes", Integer.toString(8 * 1024 * 1024));
    consumer.putAll(client);
    return consumer;
  }

  public static KafkaSource<SourceRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, boolean bounded) {
    return flowSource(client, topic, groupId, startingOffsets, bounded ? OffsetsInitializer.latest() : null);
  }

  /**
   * The traffic job's flows source, bounded by {@code stoppingOffsets} (unbounded when null).
   * Recovery tests stop at offsets they have yet to produce, so the job keeps reading while they
   * wait for a checkpoint.
   */
  public static KafkaSource<SourceRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, OffsetsInitializer stoppingOffsets) {
    return flowSource(client, topic, groupId, startingOffsets, stoppingOffsets, new FlowKafkaDeserializer());
  }

  /** A flows source of any job: its own decoding of the records, everything else shared. */
  public static <T> KafkaSource<T> flowSource(Properties client, String topic, String groupId, String startingOffsets,
      OffsetsInitializer stoppingOffsets, KafkaRecordDeserializationSchema<T> deserializer) {
    KafkaSourceBuilder<T> builder = KafkaSource.<T>builder()
        .setProperties(flowConsumerProperties(client))
        .setBootstrapServers(client.getProperty("bootstrap.servers"))
        .setTopics(topic)
        .setGroupId(groupId)
        .setProperty("isolation.level", "read_committed")
        .setStartingOffsets(startingOffsets(startingOffsets))
        .setDeserializer(deserializer);
    if (stoppingOffsets != null) {
      builder.setBounded(stoppingOffsets);
    }
    return builder.build();
  }

  public static KafkaSink<ServiceTraffic> trafficSink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return sink(client, new ServiceTrafficRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  public static KafkaSink<DeadLetter> deadLetterSink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return sink(client, new DeadLetterRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  /** A sink of any job's records: exactly-once in Kafka transactions, or at-least-once. */
  public static <T> KafkaSink<T> sink(Properties client, KafkaRecordSerializationSchema<T> serializer, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    Properties producer = new Properties();
    producer.putAll(client);
    // Flink's default (1 h) exceeds the broker's transaction.max.timeout.ms (15 min): the job would restart forever.
    producer.setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
    producer.putIfAbsent("compression.type", "lz4");
    return KafkaSink.<T>builder()
        .setBootstrapServers(client.getProperty("bootstrap.servers"))
        .setKafkaProducerConfig(producer)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }

  /** --starting-offsets as every Kafka source of the jobs reads it (committed falls back to the earliest). */
  public static OffsetsInitializer startingOffsets(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      case "committed" -> OffsetsInitializer.committedOffsets(
          org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
      default -> throw new IllegalArgumentException("--starting-offsets " + name + ": expected committed, earliest or latest");
    };
  }
}
