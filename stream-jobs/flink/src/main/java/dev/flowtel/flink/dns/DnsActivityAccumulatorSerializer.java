package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.flink.types.SelfWritingSerializer;
import dev.flowtel.flink.types.SerializerTypeInfo;

/** DNS activity window state in core's own binary form (versioned there), as traffic window state is kept. */
public final class DnsActivityAccumulatorSerializer {

  public static final SelfWritingSerializer<DnsActivityAccumulator> INSTANCE = new SelfWritingSerializer<>(
      DnsActivityAccumulator.class, () -> new DnsActivityAccumulator(DnsActivityAccumulator.DEFAULT_MAX_NAMES),
      DnsActivityAccumulator::writeTo, DnsActivityAccumulator::readFrom, Snapshot::new);
  public static final SerializerTypeInfo<DnsActivityAccumulator> TYPE =
      new SerializerTypeInfo<>(DnsActivityAccumulator.class, INSTANCE);

  private DnsActivityAccumulatorSerializer() {}

  /** This class's name, {@code DnsActivityAccumulatorSerializer$Snapshot}, is in the traffic job's checkpoints. */
  public static final class Snapshot extends SelfWritingSerializer.Snapshot<DnsActivityAccumulator> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
