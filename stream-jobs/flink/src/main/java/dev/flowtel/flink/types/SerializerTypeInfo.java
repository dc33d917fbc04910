package dev.flowtel.flink.types;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink to move and keep values of one class with a serializer of ours, not reflection or Kryo. */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {

  private static final long serialVersionUID = 1L;
  private final Class<T> typeClass;
  private final TypeSerializer<T> serializer;

  public SerializerTypeInfo(Class<T> typeClass, TypeSerializer<T> serializer) {
    this.typeClass = typeClass;
    this.serializer = serializer;
  }

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
  public Class<T> getTypeClass() {
    return typeClass;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer;
  }

  @Override
  public String toString() {
    return typeClass.getSimpleName();
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof SerializerTypeInfo<?> other && other.typeClass.equals(typeClass);
  }

  @Override
  public int hashCode() {
    return Objects.hash(SerializerTypeInfo.class, typeClass);
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof SerializerTypeInfo<?>;
  }
}
