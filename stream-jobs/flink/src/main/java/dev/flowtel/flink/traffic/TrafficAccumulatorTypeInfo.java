package dev.flowtel.flink.traffic;

import dev.flowtel.core.traffic.TrafficAccumulator;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink to keep {@link TrafficAccumulator}s with {@link TrafficAccumulatorSerializer}. */
public final class TrafficAccumulatorTypeInfo extends TypeInformation<TrafficAccumulator> {

  private static final long serialVersionUID = 1L;
  public static final TrafficAccumulatorTypeInfo INSTANCE = new TrafficAccumulatorTypeInfo();

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<TrafficAccumulator> getTypeClass() {
    return TrafficAccumulator.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<TrafficAccumulator> createSerializer(SerializerConfig config) {
    return TrafficAccumulatorSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "TrafficAccumulator";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof TrafficAccumulatorTypeInfo;
  }

  @Override
  public int hashCode() {
    return TrafficAccumulatorTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof TrafficAccumulatorTypeInfo;
  }
}
