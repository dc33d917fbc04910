package dev.flowtel.wire.flink;

import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink deserialization that never fails the job: every message becomes a {@link DecodeResult},
 * and the job routes failures to the dead-letter topic. Jobs that need the Kafka topic, partition
 * and offset of a failure wrap {@link #decode(byte[])} in a Kafka record deserializer.
 */
public final class WireDeserializationSchema<T extends SpecificRecordBase>
    implements DeserializationSchema<DecodeResult<T>> {

  private static final long serialVersionUID = 1L;

  private final String typeName;
  private transient WireCodec<T> codec;

  public WireDeserializationSchema(RecordType<T> type) {
    this.typeName = type.name();
  }

  @Override
  public void open(InitializationContext context) {
    codec = WireCodec.of(RecordType.<T>named(typeName));
  }

  @Override
  public DecodeResult<T> deserialize(byte[] message) {
    return decode(message);
  }

  public DecodeResult<T> decode(byte[] message) {
    if (codec == null) {
      codec = WireCodec.of(RecordType.<T>named(typeName));
    }
    return codec.decode(message);
  }

  @Override
  public boolean isEndOfStream(DecodeResult<T> nextElement) {
    return false;
  }

  @Override
  public TypeInformation<DecodeResult<T>> getProducedType() {
    @SuppressWarnings("unchecked")
    Class<DecodeResult<T>> resultClass = (Class<DecodeResult<T>>) (Class<?>) DecodeResult.class;
    return TypeInformation.of(resultClass);
  }
}
