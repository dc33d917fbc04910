package dev.flowtel.flink.types;

import dev.flowtel.core.traffic.TrafficAccumulator;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;

/** Window state in core's own binary form (versioned there), instead of Kryo guessing at sketch internals. */
public final class TrafficAccumulatorSerializer extends TypeSerializerSingleton<TrafficAccumulator> {

  private static final long serialVersionUID = 1L;
  public static final TrafficAccumulatorSerializer INSTANCE = new TrafficAccumulatorSerializer();
  public static final SerializerTypeInfo<TrafficAccumulator> TYPE = new SerializerTypeInfo<>(TrafficAccumulator.class, INSTANCE);

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TrafficAccumulator createInstance() {
    return new TrafficAccumulator();
  }

  @Override
  public TrafficAccumulator copy(TrafficAccumulator from) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      from.writeTo(new DataOutputViewStreamWrapper(bytes));
      return TrafficAccumulator.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy a TrafficAccumulator", e);
    }
  }

  @Override
  public TrafficAccumulator copy(TrafficAccumulator from, TrafficAccumulator reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(TrafficAccumulator record, DataOutputView target) throws IOException {
    record.writeTo(target);
  }

  @Override
  public TrafficAccumulator deserialize(DataInputView source) throws IOException {
    return TrafficAccumulator.readFrom(source);
  }

  @Override
  public TrafficAccumulator deserialize(TrafficAccumulator reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<TrafficAccumulator> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format changes are versioned inside TrafficAccumulator's own bytes. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrafficAccumulator> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
