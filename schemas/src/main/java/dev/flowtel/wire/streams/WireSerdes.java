package dev.flowtel.wire.streams;

import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka Streams serdes for Flowtel records in single-object encoding. */
public final class WireSerdes {

  private WireSerdes() {}

  /**
   * For reading topics others write: values arrive as {@link DecodeResult}s and never throw, so a
   * topology splits failures off to the dead-letter topic. Writing a {@code Failed} result is not
   * possible (there is no record to write) and throws.
   */
  public static <T extends SpecificRecordBase> Serde<DecodeResult<T>> decoding(RecordType<T> type) {
    WireCodec<T> codec = WireCodec.of(type);
    Serializer<DecodeResult<T>> serializer = (topic, result) ->
        result == null ? null : codec.encode(result.orElseThrow());
    Deserializer<DecodeResult<T>> deserializer = (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  /**
   * For topics and stores that Flowtel itself writes with this type: a record that does not
   * decode here is a bug, not bad input, and fails with the decoder's reason.
   */
  public static <T extends SpecificRecordBase> Serde<T> of(RecordType<T> type) {
    WireCodec<T> codec = WireCodec.of(type);
    Serializer<T> serializer = (topic, record) -> record == null ? null : codec.encode(record);
    Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : codec.decode(bytes).orElseThrow();
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
