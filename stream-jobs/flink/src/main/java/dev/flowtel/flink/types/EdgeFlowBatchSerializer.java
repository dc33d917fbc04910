package dev.flowtel.flink.types;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.flink.traffic.EdgeFlowBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** The shuffle format of {@link EdgeFlowBatch}: the edge key once, then each flow without it. */
public final class EdgeFlowBatchSerializer extends TypeSerializerSingleton<EdgeFlowBatch> {

  private static final long serialVersionUID = 1L;
  public static final EdgeFlowBatchSerializer INSTANCE = new EdgeFlowBatchSerializer();
  public static final SerializerTypeInfo<EdgeFlowBatch> TYPE = new SerializerTypeInfo<>(EdgeFlowBatch.class, INSTANCE);

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public EdgeFlowBatch createInstance() {
    return null;
  }

  @Override
  public EdgeFlowBatch copy(EdgeFlowBatch from) {
    return from;
  }

  @Override
  public EdgeFlowBatch copy(EdgeFlowBatch from, EdgeFlowBatch reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(EdgeFlowBatch batch, DataOutputView out) throws IOException {
    out.writeUTF(batch.edgeKey());
    out.writeLong(batch.paneStartMillis());
    out.writeInt(batch.flows().size());
    for (ClassifiedFlow f : batch.flows()) {
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
    }
  }

  @Override
  public EdgeFlowBatch deserialize(DataInputView in) throws IOException {
    String edgeKey = in.readUTF();
    long paneStart = in.readLong();
    int size = in.readInt();
    List<ClassifiedFlow> flows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      flows.add(new ClassifiedFlow(edgeKey, in.readShort() & 0xFFFF, in.readLong(), in.readBoolean(), in.readLong(),
          in.readLong(), in.readLong(), in.readLong(), in.readShort() & 0xFFFF, in.readLong(), in.readLong()));
    }
    return new EdgeFlowBatch(edgeKey, paneStart, flows);
  }

  @Override
  public EdgeFlowBatch deserialize(EdgeFlowBatch reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<EdgeFlowBatch> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The format has one version so far. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<EdgeFlowBatch> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
