package dev.flowtel.flink.detection;

import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the compacted cluster-state topic: a tombstone (null value) deletes the object its key
 * names and takes effect at the record's Kafka timestamp; a record takes effect at its observedAt.
 */
public final class ClusterStateDeserializer implements KafkaRecordDeserializationSchema<ClusterStateChange> {

  private static final long serialVersionUID = 1L;
  private transient WireCodec<ClusterState> codec;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = WireCodec.of(RecordType.CLUSTER_STATE);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ClusterStateChange> out) {
    if (codec == null) {
      codec = WireCodec.of(RecordType.CLUSTER_STATE);
    }
    out.collect(change(codec, record.key(), record.value(), record.timestamp(), record.topic(), record.partition(),
        record.offset()));
  }

  static ClusterStateChange change(WireCodec<ClusterState> codec, byte[] key, byte[] value, long timestamp, String topic,
      int partition, long offset) {
    if (key == null) {
      return new ClusterStateChange(null, null, timestamp, new DeadLetter(null, value, "no-key",
          "cluster-state record without a key: the key must be kind/namespace/name", topic, partition, offset,
          ObservedFlowDecoder.PRODUCER));
    }
    String name = new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      return new ClusterStateChange(name, null, timestamp, null);
    }
    DecodeResult<ClusterState> result = codec.decode(value);
    if (result instanceof DecodeResult.Failed<ClusterState> failed) {
      return new ClusterStateChange(name, null, timestamp, new DeadLetter(key, value, failed.cause().reason(),
          failed.detail(), topic, partition, offset, ObservedFlowDecoder.PRODUCER));
    }
    ClusterState state = result.orElseThrow();
    return new ClusterStateChange(name, value, state.getObservedAt().toEpochMilli(), null);
  }

  @Override
  public TypeInformation<ClusterStateChange> getProducedType() {
    return TypeInformation.of(ClusterStateChange.class);
  }
}
