package dev.flowtel.flink.detection;

import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.kafka.WireRecordSerializer;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.RecordType;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** The detection job's own Kafka sources and sink; the rest of its wiring is {@link FlowtelKafka}'s, as the traffic job's. */
public final class DetectionKafka {

  private DetectionKafka() {}

  public static KafkaSource<DetectionRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, boolean bounded) {
    return flowSource(client, topic, groupId, startingOffsets, bounded ? OffsetsInitializer.latest() : null);
  }

  /** The flows source, bounded by {@code stoppingOffsets} (unbounded when null), as the traffic job's. */
  public static KafkaSource<DetectionRecord> flowSource(Properties client, String topic, String groupId,
      String startingOffsets, OffsetsInitializer stoppingOffsets) {
    return FlowtelKafka.flowSource(client, topic, groupId, startingOffsets, stoppingOffsets, new DetectionFlowDeserializer());
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
    return FlowtelKafka.sink(client, new PolicyAnomalyRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  public static KafkaSink<StagedPolicyVerdict> stagedVerdictSink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return FlowtelKafka.sink(client, new StagedVerdictRecordSerializer(topic), exactlyOnce, transactionTimeout, transactionalIdPrefix);
  }

  /** StagedPolicyVerdict keyed by policy, edge and window. */
  static final class StagedVerdictRecordSerializer extends WireRecordSerializer<StagedPolicyVerdict> {
    private static final long serialVersionUID = 1L;

    StagedVerdictRecordSerializer(String topic) {
      super(topic, RecordType.STAGED_POLICY_VERDICT);
    }

    @Override
    protected String recordKey(StagedPolicyVerdict verdict) {
      return StagedPolicyWindows.recordKey(verdict);
    }

    @Override
    protected Long recordTime(StagedPolicyVerdict verdict) {
      return null; // as anomalies: retention keeps verdicts of replayed or simulated past traffic
    }
  }

  /** PolicyAnomaly keyed by its id, so revisions of one anomaly share a key and compaction keeps the newest. */
  static final class PolicyAnomalyRecordSerializer extends WireRecordSerializer<PolicyAnomaly> {
    private static final long serialVersionUID = 1L;

    PolicyAnomalyRecordSerializer(String topic) {
      super(topic, RecordType.POLICY_ANOMALY);
    }

    @Override
    protected String recordKey(PolicyAnomaly anomaly) {
      return anomaly.getId();
    }

    /**
     * The time the anomaly is produced, not its event time, so topic retention keeps anomalies found
     * in replayed or simulated past traffic.
     */
    @Override
    protected Long recordTime(PolicyAnomaly anomaly) {
      return null;
    }
  }
}
