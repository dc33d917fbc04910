package dev.flowtel.flink.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.dns.DnsActivityAccumulatorSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * Window state kept by a SelfWritingSerializer: a value comes back as it was written, a copy is a copy
 * (the aggregate changes values in place), the serializer survives the Java serialization that ships it
 * with the job, and a snapshot written into a checkpoint names its value's own class, restores that
 * value's serializer and accepts only state written under the same name.
 */
class SelfWritingSerializerTest {

  private static final String EDGE = "shop/Deployment/a>shop/Service/b:80/6";
  private static final SelfWritingSerializer<TrafficAccumulator> TRAFFIC = TrafficAccumulatorSerializer.INSTANCE;

  @Test
  void aTrafficWindowComesBackAsItWasWritten() throws IOException {
    TrafficAccumulator window = window(3);

    TrafficAccumulator back = roundTrip(TRAFFIC, window);

    assertThat(back.flows()).isEqualTo(3);
    assertThat(back.toServiceTraffic(0, 10_000, 0)).isEqualTo(window.toServiceTraffic(0, 10_000, 0));
  }

  @Test
  void aCopyDoesNotChangeWithTheValueItWasCopiedFrom() {
    TrafficAccumulator window = window(2);

    TrafficAccumulator copy = TRAFFIC.copy(window);
    window.add(flow(99));

    assertThat(copy.flows()).isEqualTo(2);
    assertThat(window.flows()).isEqualTo(3);
  }

  @Test
  void theSerializerStillWorksAfterTheJavaSerializationThatShipsItWithTheJob() throws Exception {
    TypeSerializer<TrafficAccumulator> shipped = InstantiationUtil.clone(TRAFFIC);

    assertThat(shipped).isEqualTo(TRAFFIC);
    assertThat(roundTrip(shipped, window(4)).flows()).isEqualTo(4);
    assertThat(shipped.createInstance().flows()).isZero();
  }

  @Test
  void aCheckpointedSnapshotNamesItsValueAndRestoresOnlyStateWrittenUnderThatName() throws IOException {
    TypeSerializerSnapshot<TrafficAccumulator> restored = restore(TRAFFIC.snapshotConfiguration());

    // The class name checkpoints and savepoints hold, from before this serializer was shared.
    assertThat(restored.getClass().getName()).isEqualTo("dev.flowtel.flink.types.TrafficAccumulatorSerializer$Snapshot");
    assertThat(restored.restoreSerializer()).isSameAs(TRAFFIC);
    assertThat(TRAFFIC.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();

    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<TrafficAccumulator> dns =
        (TypeSerializerSnapshot) restore(DnsActivityAccumulatorSerializer.INSTANCE.snapshotConfiguration());
    assertThat(dns.getClass().getName()).isEqualTo("dev.flowtel.flink.dns.DnsActivityAccumulatorSerializer$Snapshot");
    assertThat(TRAFFIC.snapshotConfiguration().resolveSchemaCompatibility(dns).isIncompatible()).isTrue();
  }

  private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(value, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  private static <T> TypeSerializerSnapshot<T> restore(TypeSerializerSnapshot<T> snapshot) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
        SelfWritingSerializerTest.class.getClassLoader());
  }

  private static TrafficAccumulator window(int flows) {
    TrafficAccumulator window = new TrafficAccumulator();
    for (int i = 0; i < flows; i++) {
      window.add(flow(i));
    }
    return window;
  }

  private static ClassifiedFlow flow(long connection) {
    return new ClassifiedFlow(EDGE, 6, 1_000 + connection, false, connection, 7, 100, 1, 0, 0, -1, 80, 9);
  }
}
