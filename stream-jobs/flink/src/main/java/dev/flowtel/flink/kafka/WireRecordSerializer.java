package dev.flowtel.flink.kafka;

import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A job's output record to its topic in the wire format, keyed so that revisions of one result share
 * a key (a compacting consumer keeps the newest). A subclass says the key and the record time of its
 * record type; the codec is opened in each sink writer, as it does not travel with the job graph.
 */
public abstract class WireRecordSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;
  private final String topic;
  /** The record type by name: a RecordType holds a schema, which is not serializable. */
  private final String recordType;
  private transient WireCodec<T> codec;

  protected WireRecordSerializer(String topic, RecordType<T> recordType) {
    this.topic = topic;
    this.recordType = recordType.name();
  }

  /** The Kafka key of {@code record}. */
  protected abstract String recordKey(T record);

  /** The Kafka record time of {@code record}, or null for the time it is produced. */
  protected abstract Long recordTime(T record);

  @Override
  public final void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = WireCodec.of(RecordType.named(recordType));
  }

  @Override
  public final ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = WireCodec.of(RecordType.named(recordType));
    }
    return new ProducerRecord<>(topic, null, recordTime(record), recordKey(record).getBytes(StandardCharsets.UTF_8),
        codec.encode(record));
  }
}
