package dev.flowtel.wire.kafka;

import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing one Flowtel record type in single-object encoding; null stays null (a tombstone). */
public final class WireSerializer<T extends SpecificRecordBase> implements Serializer<T> {

  private final WireCodec<T> codec;

  public WireSerializer(RecordType<T> type) {
    this.codec = WireCodec.of(type);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    return record == null ? null : codec.encode(record);
  }
}
