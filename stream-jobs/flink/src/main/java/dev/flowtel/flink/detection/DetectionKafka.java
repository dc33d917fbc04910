package dev.flowtel.flink.detection;

import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.kafka.DeadLetterRecordSerializer;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka sources and sinks of the detection job. */
public final class DetectionKafka {

  private DetectionKafka() {}

  public static KafkaSource<DetectionRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, boolean bounded) {
    return flowSource(client, topic, groupId, startingOffsets, bounded ? OffsetsInitializer.latest() : null);
  }

  /**
   * The flows source, bounded by {@code stoppingOffsets} (unbounded when null). Recovery tests stop
   * at offsets they have yet to produce, so the job keeps reading while they wait for a checkpoint.
   */
  public static KafkaSource<DetectionRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, OffsetsInitializer stoppingOffsets) {
    KafkaSourceBuilder<DetectionRecord> builder = KafkaSource.<DetectionRecord>builder()
        .setProperties(FlowtelKafka.flowConsumerProperties(client))
        .setBootstrapServers(client.getProperty("bootstrap.servers"))
        .setTopics(topic)
        .setGroupId(groupId)
        .setProperty("isolation.level", "read_committed")
        .setStartingOffsets(startingOffsets(startingOffsets))
        .setDeserializer(new DetectionFlowDeserializer());
    if (stoppingOffsets != null) {
      builder.setBounded(stoppingOffsets);
    }
    return builder.build();
  }

  /** The whole compacted topic from the start, every time: the policies are its sum. */
  public static KafkaSource<ClusterStateChange> clusterStateSource(Properties client, String topic, String groupId,
      boolean bounded) {
    KafkaSourceBuilder<ClusterStateChange> builder = KafkaSource.<ClusterStateChange>builder()
        .setProperties(client)
        .setBootstrapServers(client.getProperty("bootstrap.servers"))
        .setTopics(topic)
        .setGroupId(groupId)
        .setProperty("isolation.level", "read_committed")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new ClusterStateDeserializer());
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  public static KafkaSink<PolicyAnomaly> anomalySink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return sink(client, new PolicyAnomalyRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  public static KafkaSink<DeadLetter> deadLetterSink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return sink(client, new DeadLetterRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  private static <T> KafkaSink<T> sink(Properties client, KafkaRecordSerializationSchema<T> serializer,
      boolean exactlyOnce, Duration transactionTimeout, String transactionalIdPrefix) {
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

  static OffsetsInitializer startingOffsets(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      case "committed" -> OffsetsInitializer.committedOffsets(
          org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
      default -> throw new IllegalArgumentException("--starting-offsets " + name + ": expected committed, earliest or latest");
    };
  }

  /** PolicyAnomaly keyed by its id, so revisions of one anomaly share a key and compaction keeps the newest. */
  static final class PolicyAnomalyRecordSerializer implements KafkaRecordSerializationSchema<PolicyAnomaly> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient WireCodec<PolicyAnomaly> codec;

    PolicyAnomalyRecordSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
      codec = WireCodec.of(RecordType.POLICY_ANOMALY);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(PolicyAnomaly anomaly, KafkaSinkContext context, Long timestamp) {
      if (codec == null) {
        codec = WireCodec.of(RecordType.POLICY_ANOMALY);
      }
      // The record time is when the anomaly was produced, not its event time, so topic retention
      // keeps anomalies found in replayed or simulated past traffic.
      return new ProducerRecord<>(topic, null, null, anomaly.getId().getBytes(StandardCharsets.UTF_8), codec.encode(anomaly));
    }
  }
}
