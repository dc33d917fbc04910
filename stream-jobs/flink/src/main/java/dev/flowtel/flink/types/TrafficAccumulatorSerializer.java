package dev.flowtel.flink.types;

import dev.flowtel.core.traffic.TrafficAccumulator;

/** Traffic window state in core's own binary form (versioned there), instead of Kryo guessing at sketch internals. */
public final class TrafficAccumulatorSerializer {

  public static final SelfWritingSerializer<TrafficAccumulator> INSTANCE = new SelfWritingSerializer<>(
      TrafficAccumulator.class, TrafficAccumulator::new, TrafficAccumulator::writeTo, TrafficAccumulator::readFrom,
      Snapshot::new);
  public static final SerializerTypeInfo<TrafficAccumulator> TYPE = new SerializerTypeInfo<>(TrafficAccumulator.class, INSTANCE);

  private TrafficAccumulatorSerializer() {}

  /**
   * This class's name, {@code TrafficAccumulatorSerializer$Snapshot}, is in checkpoints and savepoints of the
   * traffic job (SavepointUpgradeIT restores one taken before the serializer became a SelfWritingSerializer).
   */
  public static final class Snapshot extends SelfWritingSerializer.Snapshot<TrafficAccumulator> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
