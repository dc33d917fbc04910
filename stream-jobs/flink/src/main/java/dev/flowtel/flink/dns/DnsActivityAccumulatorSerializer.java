package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.flink.types.SerializerTypeInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;

/** DNS window state in core's own binary form (versioned there), as TrafficAccumulatorSerializer does for traffic. */
public final class DnsActivityAccumulatorSerializer extends TypeSerializerSingleton<DnsActivityAccumulator> {

  private static final long serialVersionUID = 1L;
  public static final DnsActivityAccumulatorSerializer INSTANCE = new DnsActivityAccumulatorSerializer();
  public static final SerializerTypeInfo<DnsActivityAccumulator> TYPE =
      new SerializerTypeInfo<>(DnsActivityAccumulator.class, INSTANCE);

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public DnsActivityAccumulator createInstance() {
    return new DnsActivityAccumulator(DnsActivityAccumulator.DEFAULT_MAX_NAMES);
  }

  @Override
  public DnsActivityAccumulator copy(DnsActivityAccumulator from) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      from.writeTo(new DataOutputViewStreamWrapper(bytes));
      return DnsActivityAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy a DnsActivityAccumulator", e);
    }
  }

  @Override
  public DnsActivityAccumulator copy(DnsActivityAccumulator from, DnsActivityAccumulator reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(DnsActivityAccumulator record, DataOutputView target) throws IOException {
    record.writeTo(target);
  }

  @Override
  public DnsActivityAccumulator deserialize(DataInputView source) throws IOException {
    return DnsActivityAccumulator.readFrom(source);
  }

  @Override
  public DnsActivityAccumulator deserialize(DnsActivityAccumulator reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<DnsActivityAccumulator> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format changes are versioned inside DnsActivityAccumulator's own bytes. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<DnsActivityAccumulator> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
