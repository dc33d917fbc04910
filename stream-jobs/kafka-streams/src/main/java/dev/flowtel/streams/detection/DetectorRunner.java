package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.streams.store.LiveStates;
import dev.flowtel.streams.store.TimeOrderedKeys;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs core's {@link DetectorGroup} over Kafka Streams stores, with Flink's keyed-timer semantics:
 * per key, the detectors' states (Java-serialized, as plain serializable core objects: {@link
 * KeyStateBytes}) and the one event-time deadline registered for the key; a timer store ordered by deadline, so event time
 * reaching {@code W} runs every due key in deadline order (including deadlines that come due while
 * doing so), as Flink's timer service does.
 */
final class DetectorRunner {

  private static final int MAX_TIMER_ROUNDS = 10_000;
  /** Detector keys whose state is kept as an object per task; beyond it the least recent is decoded again when next seen. */
  static final int KEYS_KEPT_LIVE = 10_000;

  private final DetectorGroup group;
  private final KeyValueStore<String, byte[]> states;
  private final KeyValueStore<Bytes, byte[]> timers;
  /**
   * Each recently written key's state as an object: deserializing it on every flow cost a third of
   * the detection's time (a port scan's source holds thousands of targets).
   */
  private final LiveStates<String, KeyState> live = new LiveStates<>(KEYS_KEPT_LIVE);

  DetectorRunner(DetectorGroup group, KeyValueStore<String, byte[]> states, KeyValueStore<Bytes, byte[]> timers) {
    this.group = group;
    this.states = states;
    this.timers = timers;
  }

  void onFlow(String key, ObservedFlow flow, PolicyJudgement judgement, long learningUntil, Consumer<PolicyAnomaly> out) {
    KeyState state = load(key);
    if (group.onFlow(state, flow, judgement, learningUntil, out)) {
      schedule(key, state);
    }
    store(key, state);
  }

  void onWatermark(long watermark, Consumer<PolicyAnomaly> out) {
    for (int round = 0; round < MAX_TIMER_ROUNDS; round++) {
      List<Bytes> due = new ArrayList<>();
      try (KeyValueIterator<Bytes, byte[]> it = timers.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(watermark))) {
        while (it.hasNext()) {
          Bytes k = it.next().key;
          if (TimeOrderedKeys.time(k) > watermark) {
            break;
          }
          due.add(k);
        }
      }
      if (due.isEmpty()) {
        return;
      }
      for (Bytes timer : due) {
        timers.delete(timer);
        String key = TimeOrderedKeys.key(timer);
        KeyState state = load(key);
        if (state.registered != TimeOrderedKeys.time(timer)) {
          continue;
        }
        state.registered = Long.MAX_VALUE;
        group.onWatermark(state, Math.max(TimeOrderedKeys.time(timer), watermark), out);
        schedule(key, state);
        store(key, state);
      }
    }
    throw new IllegalStateException("detector timers kept coming due at watermark " + watermark);
  }

  /** The key's one timer, moved as {@link DetectorGroup#timerMove} says (as Flink's DetectorStates does). */
  private void schedule(String key, KeyState state) {
    OptionalLong move = group.timerMove(state, state.registered);
    if (move.isEmpty()) {
      return;
    }
    if (state.registered != Long.MAX_VALUE) {
      timers.delete(TimeOrderedKeys.of(state.registered, key));
    }
    timers.put(TimeOrderedKeys.of(move.getAsLong(), key), new byte[0]);
    state.registered = move.getAsLong();
  }

  private KeyState load(String key) {
    byte[] stored = states.get(key);
    KeyState cached = live.take(key, stored);
    if (cached != null) {
      return cached;
    }
    KeyState state = new KeyState(group.detectors().size());
    if (stored != null) {
      try {
        KeyStateBytes.Stored read = KeyStateBytes.read(stored);
        state.registered = read.registered();
        System.arraycopy(read.slots(), 0, state.slots, 0, Math.min(read.slots().length, state.slots.length));
      } catch (IOException | ClassNotFoundException e) {
        throw new IllegalStateException("unreadable detector state of " + key + ": " + e, e);
      }
    }
    return state;
  }

  private void store(String key, KeyState state) {
    if (state.empty() && state.registered == Long.MAX_VALUE) {
      live.forget(key);
      states.delete(key);
      return;
    }
    try {
      byte[] bytes = KeyStateBytes.write(state.registered, state.slots);
      states.put(key, bytes);
      live.written(key, bytes, state);
    } catch (IOException e) {
      throw new IllegalStateException("cannot store detector state of " + key + ": " + e, e);
    }
  }

  /** One key's detector states and its registered deadline (Long.MAX_VALUE: none). */
  private static final class KeyState implements DetectorGroup.States {
    final Serializable[] slots;
    long registered = Long.MAX_VALUE;

    KeyState(int detectors) {
      slots = new Serializable[detectors];
    }

    @Override
    public Serializable get(int detector) {
      return slots[detector];
    }

    @Override
    public void put(int detector, Serializable state) {
      slots[detector] = state;
    }

    @Override
    public void clear(int detector) {
      slots[detector] = null;
    }

    boolean empty() {
      for (Serializable s : slots) {
        if (s != null) {
          return false;
        }
      }
      return true;
    }
  }
}
