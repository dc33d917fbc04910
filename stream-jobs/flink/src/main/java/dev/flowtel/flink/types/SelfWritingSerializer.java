package dev.flowtel.flink.types;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * State of a mutable value that writes itself in a binary form of its own, versioned inside those bytes
 * (core's accumulators: {@code writeTo(DataOutput)} and a static {@code readFrom(DataInput)}), instead of
 * Kryo guessing at its internals. One serializer for every such value; what differs is passed in, and each
 * value names a {@link Snapshot} class of its own, because checkpoints and savepoints record that class
 * name and restore the serializer from it.
 */
public final class SelfWritingSerializer<T> extends TypeSerializer<T> {

  private static final long serialVersionUID = 1L;

  /** How a value writes itself (its {@code writeTo}). Serializable, as the serializer travels with the job. */
  @FunctionalInterface
  public interface Writer<T> extends Serializable {
    void write(T value, DataOutput out) throws IOException;
  }

  /** How a value reads itself back (its {@code readFrom}). */
  @FunctionalInterface
  public interface Reader<T> extends Serializable {
    T read(DataInput in) throws IOException;
  }

  /** A serializable supplier: of an empty value, or of the value's snapshot. */
  @FunctionalInterface
  public interface Factory<R> extends Supplier<R>, Serializable {}

  private final Class<T> type;
  private final Factory<T> empty;
  private final Writer<T> writer;
  private final Reader<T> reader;
  private final Factory<? extends Snapshot<T>> snapshot;

  public SelfWritingSerializer(Class<T> type, Factory<T> empty, Writer<T> writer, Reader<T> reader,
      Factory<? extends Snapshot<T>> snapshot) {
    this.type = type;
    this.empty = empty;
    this.writer = writer;
    this.reader = reader;
    this.snapshot = snapshot;
  }

  /** Values in keyed state are changed in place by their aggregate, so Flink must copy them. */
  @Override
  public boolean isImmutableType() {
    return false;
  }

  /** Stateless, so one instance serves every thread. */
  @Override
  public SelfWritingSerializer<T> duplicate() {
    return this;
  }

  @Override
  public T createInstance() {
    return empty.get();
  }

  /** A deep copy through the value's own bytes (its classes offer no other). */
  @Override
  public T copy(T from) {
    try {
      DataOutputSerializer bytes = new DataOutputSerializer(256);
      writer.write(from, bytes);
      return reader.read(new DataInputDeserializer(bytes.getSharedBuffer(), 0, bytes.length()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy a " + type.getSimpleName() + " through its own binary form", e);
    }
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T value, DataOutputView target) throws IOException {
    writer.write(value, target);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    return reader.read(source);
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return snapshot.get();
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof SelfWritingSerializer<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "SelfWritingSerializer(" + type.getSimpleName() + ")";
  }

  /**
   * A value's snapshot: it writes nothing (format changes are versioned inside the value's own bytes), and
   * a subclass per value, with a public no-argument constructor, is what names the format in checkpoints.
   * State restores as it is when it was written with the same snapshot class.
   */
  public abstract static class Snapshot<T> extends SimpleTypeSerializerSnapshot<T> {

    protected Snapshot(Supplier<SelfWritingSerializer<T>> serializer) {
      super(serializer);
    }

    /** By class: every value's serializer is a SelfWritingSerializer, so the superclass's test would take any. */
    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
      return old.getClass() == getClass()
          ? TypeSerializerSchemaCompatibility.compatibleAsIs()
          : TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
