package dev.flowtel.wire.kafka;

import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer that never throws: it returns a {@link DecodeResult}, so a poison record
 * becomes a failure the consumer routes to the dead-letter topic instead of a stuck partition.
 * A null value (a tombstone on a compacted topic) deserializes to null.
 */
public final class WireDeserializer<T extends SpecificRecordBase> implements Deserializer<DecodeResult<T>> {

  private final WireCodec<T> codec;

  public WireDeserializer(RecordType<T> type) {
    this.codec = WireCodec.of(type);
  }

  @Override
  public DecodeResult<T> deserialize(String topic, byte[] data) {
    return data == null ? null : codec.decode(data);
  }
}
