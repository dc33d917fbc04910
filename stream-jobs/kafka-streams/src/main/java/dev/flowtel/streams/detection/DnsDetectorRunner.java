package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetector;
import dev.flowtel.core.dns.DnsDetectorGroup;
import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.streams.store.LiveStates;
import dev.flowtel.streams.store.TimeOrderedKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs one {@link DnsDetectorGroup} per client over Kafka Streams stores with Flink's keyed-timer
 * semantics: the group (its detectors' states Java-serialized behind its registered deadline, 8 bytes)
 * per client key, and
 * one event-time timer per key in a store ordered by deadline. Event time reaching {@code W} fires
 * the due timers one at a time in deadline order, including deadlines that come due at or before
 * {@code W} meanwhile, as Flink's timer queue does; each firing hands the group {@code W} (Flink's
 * DnsDetectionFunction hands it the current watermark), so a watermark that jumps several windows
 * closes them in one call in both engines.
 */
final class DnsDetectorRunner {

  /** Timers fired for one watermark before the runner calls it a loop (a deadline that never moves on). */
  private static final long MAX_FIRINGS = 100_000_000L;

  private final List<DnsDetector<?>> detectors;
  private final KeyValueStore<String, byte[]> states;
  private final KeyValueStore<Bytes, byte[]> timers;
  /** Groups last written, as objects, so a busy client is not deserialized on every query. */
  private final LiveStates<String, Held> live = new LiveStates<>(DetectorRunner.KEYS_KEPT_LIVE);

  DnsDetectorRunner(DnsDetectionConfig config, AnomalyPacing pacing, KeyValueStore<String, byte[]> states,
      KeyValueStore<Bytes, byte[]> timers) {
    this.detectors = DnsDetectors.all(config, pacing);
    this.states = states;
    this.timers = timers;
  }

  void onQuery(String key, DnsQuery query, long learningUntil, Consumer<PolicyAnomaly> out) {
    Held held = load(key);
    held.group.onQuery(query, learningUntil, out);
    schedule(key, held);
    store(key, held);
  }

  void onWatermark(long watermark, Consumer<PolicyAnomaly> out) {
    for (long fired = 0; fired < MAX_FIRINGS; fired++) {
      Bytes timer = null;
      try (KeyValueIterator<Bytes, byte[]> it = timers.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(watermark))) {
        if (it.hasNext()) {
          timer = it.next().key;
        }
      }
      if (timer == null || TimeOrderedKeys.time(timer) > watermark) {
        return;
      }
      // The earliest timer first, every time: a deadline a firing moves to may come before another
      // key's due timer, and Flink's timer queue would fire it first.
      long time = TimeOrderedKeys.time(timer);
      timers.delete(timer);
      String key = TimeOrderedKeys.key(timer);
      Held held = load(key);
      if (held.registered != time) {
        continue;
      }
      held.registered = Long.MAX_VALUE;
      held.group.onWatermark(Math.max(time, watermark), out);
      schedule(key, held);
      store(key, held);
    }
    throw new IllegalStateException("DNS detector timers kept coming due at watermark " + watermark);
  }

  /** The key's one timer at the group's next deadline. */
  private void schedule(String key, Held held) {
    long next = held.group.nextDeadline();
    if (next == held.registered) {
      return;
    }
    if (held.registered != Long.MAX_VALUE) {
      timers.delete(TimeOrderedKeys.of(held.registered, key));
    }
    if (next != Long.MAX_VALUE) {
      timers.put(TimeOrderedKeys.of(next, key), new byte[0]);
    }
    held.registered = next;
  }

  private Held load(String key) {
    byte[] stored = states.get(key);
    Held cached = live.take(key, stored);
    if (cached != null) {
      return cached;
    }
    if (stored == null) {
      return new Held(new DnsDetectorGroup(detectors), Long.MAX_VALUE);
    }
    long registered = ByteBuffer.wrap(stored).getLong();
    try (ObjectInputStream in = new DetectorsResolved(new ByteArrayInputStream(stored, 8, stored.length - 8))) {
      return new Held((DnsDetectorGroup) in.readObject(), registered);
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("unreadable DNS detector state of " + key + ": " + e, e);
    }
  }

  private void store(String key, Held held) {
    if (held.group.isEmpty() && held.registered == Long.MAX_VALUE) {
      live.forget(key);
      states.delete(key);
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    bytes.writeBytes(ByteBuffer.allocate(8).putLong(held.registered).array());
    try (ObjectOutputStream out = new DetectorsReplaced(bytes)) {
      out.writeObject(held.group);
    } catch (IOException e) {
      throw new IllegalStateException("cannot store DNS detector state of " + key + ": " + e, e);
    }
    byte[] value = bytes.toByteArray();
    states.put(key, value);
    live.written(key, value, held);
  }

  /**
   * A detector in stored state: by its anomaly type only. The group holds its detectors beside their
   * states; the detectors are this app's configuration (and hold the anomaly pacing, which is not
   * serializable), so the store keeps the states and a restore takes the detectors as configured now.
   */
  private record DetectorRef(String type) implements Serializable {}

  private static final class DetectorsReplaced extends ObjectOutputStream {
    DetectorsReplaced(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      return obj instanceof DnsDetector<?> d ? new DetectorRef(d.type().name()) : obj;
    }
  }

  private final class DetectorsResolved extends ObjectInputStream {
    DetectorsResolved(InputStream in) throws IOException {
      super(in);
      enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      if (!(obj instanceof DetectorRef ref)) {
        return obj;
      }
      return detectors.stream().filter(d -> d.type().name().equals(ref.type())).findFirst()
          .orElseThrow(() -> new InvalidObjectException("stored DNS detector state of " + ref.type()
              + ", which this build does not run"));
    }
  }

  /** One client's group and its registered deadline (Long.MAX_VALUE: none). */
  private static final class Held {
    final DnsDetectorGroup group;
    long registered;

    Held(DnsDetectorGroup group, long registered) {
      this.group = group;
      this.registered = registered;
    }
  }
}
