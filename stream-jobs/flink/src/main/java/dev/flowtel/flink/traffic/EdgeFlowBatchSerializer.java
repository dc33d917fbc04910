package dev.flowtel.flink.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.flink.types.ClassifiedFlowSerializer;
import dev.flowtel.flink.types.ImmutableValueSerializer;
import dev.flowtel.flink.types.SerializerTypeInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** The shuffle format of {@link EdgeFlowBatch}: the edge key once, then each flow without it. */
public final class EdgeFlowBatchSerializer extends ImmutableValueSerializer<EdgeFlowBatch> {

  private static final long serialVersionUID = 1L;
  public static final EdgeFlowBatchSerializer INSTANCE = new EdgeFlowBatchSerializer();
  public static final SerializerTypeInfo<EdgeFlowBatch> TYPE = new SerializerTypeInfo<>(EdgeFlowBatch.class, INSTANCE);

  @Override
  public void serialize(EdgeFlowBatch batch, DataOutputView out) throws IOException {
    out.writeUTF(batch.edgeKey());
    out.writeLong(batch.paneStartMillis());
    out.writeInt(batch.flows().size());
    for (ClassifiedFlow f : batch.flows()) {
      ClassifiedFlowSerializer.writeWithoutEdgeKey(f, out);
    }
  }

  @Override
  public EdgeFlowBatch deserialize(DataInputView in) throws IOException {
    String edgeKey = in.readUTF();
    long paneStart = in.readLong();
    int size = in.readInt();
    List<ClassifiedFlow> flows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      flows.add(ClassifiedFlowSerializer.readWithEdgeKey(edgeKey, in));
    }
    return new EdgeFlowBatch(edgeKey, paneStart, flows);
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
