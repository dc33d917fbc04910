package dev.flowtel.flink.types;

import dev.flowtel.core.edge.ClassifiedFlow;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The shuffle's record, field by field: Flink's POJO serializer reads record components through
 * reflection and was the largest single cost of the job in a profile (see docs/benchmarks.md).
 */
public final class ClassifiedFlowSerializer extends ImmutableValueSerializer<ClassifiedFlow> {

  private static final long serialVersionUID = 1L;
  public static final ClassifiedFlowSerializer INSTANCE = new ClassifiedFlowSerializer();
  public static final SerializerTypeInfo<ClassifiedFlow> TYPE = new SerializerTypeInfo<>(ClassifiedFlow.class, INSTANCE);

  @Override
  public void serialize(ClassifiedFlow f, DataOutputView out) throws IOException {
    out.writeUTF(f.edgeKey());
    writeWithoutEdgeKey(f, out);
  }

  @Override
  public ClassifiedFlow deserialize(DataInputView in) throws IOException {
    return readWithEdgeKey(in.readUTF(), in);
  }

  /** Every field but the edge key, which a batch of the traffic job (EdgeFlowBatchSerializer) writes once. */
  public static void writeWithoutEdgeKey(ClassifiedFlow f, DataOutputView out) throws IOException {
    out.writeShort(f.protocol());
    out.writeLong(f.eventTimeMillis());
    out.writeBoolean(f.reply());
    out.writeLong(f.connectionId());
    out.writeLong(f.clientPodId());
    out.writeLong(f.bytes());
    out.writeLong(f.packets());
    out.writeShort(f.tcpFlags());
    out.writeLong(f.drops());
    out.writeLong(f.rttMicros());
    out.writeShort(f.serverPort());
    out.writeLong(f.serverAddress());
  }

  public static ClassifiedFlow readWithEdgeKey(String edgeKey, DataInputView in) throws IOException {
    return new ClassifiedFlow(edgeKey, in.readShort() & 0xFFFF, in.readLong(), in.readBoolean(), in.readLong(),
        in.readLong(), in.readLong(), in.readLong(), in.readShort() & 0xFFFF, in.readLong(), in.readLong(),
        in.readShort() & 0xFFFF, in.readLong());
  }

  @Override
  public TypeSerializerSnapshot<ClassifiedFlow> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Shuffle only, never state, so its format changes without a version (the server port and address came later). */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ClassifiedFlow> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
