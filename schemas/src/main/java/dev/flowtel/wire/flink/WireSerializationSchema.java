package dev.flowtel.wire.flink;

import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink serialization of one Flowtel record type in single-object encoding. */
public final class WireSerializationSchema<T extends SpecificRecordBase> implements SerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String typeName;
  private transient WireCodec<T> codec;

  public WireSerializationSchema(RecordType<T> type) {
    this.typeName = type.name();
  }

  @Override
  public void open(InitializationContext context) {
    codec = WireCodec.of(RecordType.<T>named(typeName));
  }

  @Override
  public byte[] serialize(T record) {
    if (codec == null) {
      codec = WireCodec.of(RecordType.<T>named(typeName));
    }
    return codec.encode(record);
  }
}
