package dev.flowtel.streams.detection;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.StagedJudgement;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.streams.store.LiveStates;
import dev.flowtel.streams.store.TimeOrderedKeys;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Core's {@link StagedPolicyWindows} over Kafka Streams stores: per edge key, its open windows and
 * the deadline registered for them, stored as {@link KeyStateBytes} writes detector states (the
 * deadline, then the state Java-serialized as a one-slot array), and a deadline index ordered by
 * time, as {@link DetectorRunner}'s timers, so event time reaching {@code W} reads only the keys
 * whose oldest window closes by then instead of every key of the task.
 */
final class StagedWindowRunner {

  private final StagedPolicyWindows windows;
  private final KeyValueStore<String, byte[]> states;
  private final KeyValueStore<Bytes, byte[]> deadlines;
  /** Each recently written key's state as an object, as DetectorRunner keeps them: a busy edge is not decoded per flow. */
  private final LiveStates<String, KeyState> live = new LiveStates<>(DetectorRunner.KEYS_KEPT_LIVE);

  StagedWindowRunner(StagedPolicyWindows windows, KeyValueStore<String, byte[]> states, KeyValueStore<Bytes, byte[]> deadlines) {
    this.windows = windows;
    this.states = states;
    this.deadlines = deadlines;
  }

  /** Counts one flow's staged judgements at {@code watermark} (the watermark before the flow, as the traffic windows judge lateness). */
  void onFlow(String key, ObservedFlow flow, List<StagedJudgement> judgements, long watermark) {
    if (judgements.isEmpty()) {
      return; // most flows: no staged policy selects either end, so no store read
    }
    byte[] stored = states.get(key);
    KeyState state = load(key, stored);
    if (windows.onFlow(state.windows, flow, judgements, watermark)) {
      reschedule(key, state);
      store(key, state);
    } else if (stored != null) {
      live.written(key, stored, state); // unchanged: the stored bytes still say exactly this
    }
  }

  /** Emits the windows that event time {@code watermark} closed, for every key due by then, in deadline order. */
  void onWatermark(long watermark, Consumer<StagedPolicyVerdict> out) {
    List<Bytes> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(watermark))) {
      while (it.hasNext()) {
        Bytes k = it.next().key;
        if (TimeOrderedKeys.time(k) > watermark) {
          break;
        }
        due.add(k);
      }
    }
    // Closing every window due by the watermark leaves only later deadlines: one pass is enough.
    for (Bytes deadline : due) {
      deadlines.delete(deadline);
      String key = TimeOrderedKeys.key(deadline);
      byte[] stored = states.get(key);
      KeyState state = load(key, stored);
      if (state.registered != TimeOrderedKeys.time(deadline)) {
        if (stored != null) {
          live.written(key, stored, state);
        }
        continue; // a stale entry: the key's deadline moved since
      }
      state.registered = Long.MAX_VALUE;
      windows.onWatermark(state.windows, watermark, out);
      reschedule(key, state);
      store(key, state);
    }
  }

  /** Keeps the key's one index entry at its oldest open window's deadline. */
  private void reschedule(String key, KeyState state) {
    long next = windows.nextDeadline(state.windows);
    if (next == state.registered) {
      return;
    }
    if (state.registered != Long.MAX_VALUE) {
      deadlines.delete(TimeOrderedKeys.of(state.registered, key));
    }
    if (next != Long.MAX_VALUE) {
      deadlines.put(TimeOrderedKeys.of(next, key), new byte[0]);
    }
    state.registered = next;
  }

  private KeyState load(String key, byte[] stored) {
    KeyState cached = live.take(key, stored);
    if (cached != null) {
      return cached;
    }
    if (stored == null) {
      return new KeyState(windows.newState(), Long.MAX_VALUE);
    }
    try {
      KeyStateBytes.Stored read = KeyStateBytes.read(stored);
      return new KeyState((StagedPolicyWindows.State) read.slots()[0], read.registered());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new IllegalStateException("unreadable staged policy windows of " + key + ": " + e, e);
    }
  }

  private void store(String key, KeyState state) {
    if (windows.isEmpty(state.windows)) {
      live.forget(key);
      states.delete(key);
      return;
    }
    try {
      byte[] bytes = KeyStateBytes.write(state.registered, new Serializable[] {state.windows});
      states.put(key, bytes);
      live.written(key, bytes, state);
    } catch (IOException e) {
      throw new IllegalStateException("cannot store staged policy windows of " + key + ": " + e, e);
    }
  }

  /** One edge key's open windows and the deadline its index entry is at (Long.MAX_VALUE: none). */
  private static final class KeyState {
    final StagedPolicyWindows.State windows;
    long registered;

    KeyState(StagedPolicyWindows.State windows, long registered) {
      this.windows = windows;
      this.registered = registered;
    }
  }
}
