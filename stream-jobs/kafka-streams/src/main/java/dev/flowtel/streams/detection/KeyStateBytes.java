package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.lifecycle.AnomalyEpisode;
import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.flow.FlowSampleView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One key's detector states and its registered timer as the detector store (and so its changelog)
 * holds them: the deadline as 8 bytes, then the states' slots Java-serialized. Java serialization
 * records the class name of every object in the states, so a changelog written before a state class
 * moved to another package names the old package: {@link #MOVED} reads those names as the classes'
 * new homes (Java accepts that when the name without its package and the serialVersionUID agree).
 */
final class KeyStateBytes {

  /**
   * Classes kept in detector state that moved package, by the binary name older changelogs record
   * (issue 20 split {@code core.anomaly} along the data's route; the detectors' own state classes stayed).
   */
  static final Map<String, Class<?>> MOVED = Map.of(
      "dev.flowtel.core.anomaly.AnomalyTracker", AnomalyTracker.class,
      "dev.flowtel.core.anomaly.AnomalyEpisode", AnomalyEpisode.class,
      "dev.flowtel.core.anomaly.FlowSampleView", FlowSampleView.class);

  /** What the store holds for one key. */
  record Stored(long registered, Serializable[] slots) {}

  private KeyStateBytes() {}

  static byte[] write(long registered, Serializable[] slots) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    bytes.write(ByteBuffer.allocate(8).putLong(registered).array());
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(slots);
    }
    return bytes.toByteArray();
  }

  static Stored read(byte[] stored) throws IOException, ClassNotFoundException {
    long registered = ByteBuffer.wrap(stored).getLong();
    try (ObjectInputStream in = new MovedClassesInputStream(new ByteArrayInputStream(stored, 8, stored.length - 8))) {
      return new Stored(registered, (Serializable[]) in.readObject());
    }
  }

  /** Resolves the old binary names of {@link #MOVED} classes to where they live now. */
  private static final class MovedClassesInputStream extends ObjectInputStream {
    MovedClassesInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      Class<?> moved = MOVED.get(desc.getName());
      return moved != null ? moved : super.resolveClass(desc);
    }
  }
}
