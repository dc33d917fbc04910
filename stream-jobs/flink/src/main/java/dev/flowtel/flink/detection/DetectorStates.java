package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.Detector;
import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Runs core detectors of one grouping ({@link DetectorGroup}) inside a keyed Flink function: one
 * keyed value state per detector (its plain-Java state), and one event-time timer per key at the
 * earliest deadline any detector asked for, so idle keys cost no timers and expired state is cleared.
 */
final class DetectorStates {

  private final DetectorGroup group;
  private final ValueState<Serializable>[] states;
  private final ValueState<Long> timer;
  private final DetectorGroup.States access;
  private final LongPredicate timerSharedWith;

  DetectorStates(List<Detector<?>> detectors, RuntimeContext context) {
    this(detectors, context, t -> false);
  }

  /**
   * @param timerSharedWith true for a timestamp another user of this key's timers (the staged
   *     policy windows) registered: Flink keeps one timer per key and timestamp, so deleting it
   *     would delete theirs as well
   */
  @SuppressWarnings("unchecked")
  DetectorStates(List<Detector<?>> detectors, RuntimeContext context, LongPredicate timerSharedWith) {
    this.timerSharedWith = timerSharedWith;
    this.group = new DetectorGroup(detectors);
    this.states = new ValueState[detectors.size()];
    for (int i = 0; i < detectors.size(); i++) {
      Detector<?> d = detectors.get(i);
      // Kryo records the state class's name in savepoints, and restoring loads it by that name: a
      // detector's state class keeps its name and fields (docs/development.md), as does the state name.
      Class<Serializable> stateClass = (Class<Serializable>) d.newState().getClass();
      states[i] = context.getState(new ValueStateDescriptor<>(d.type().name().toLowerCase(java.util.Locale.ROOT),
          TypeInformation.of(stateClass)));
    }
    this.timer = context.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG));
    this.access = new DetectorGroup.States() {
      @Override
      public Serializable get(int detector) {
        try {
          return states[detector].value();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void put(int detector, Serializable state) {
        try {
          states[detector].update(state);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void clear(int detector) {
        states[detector].clear();
      }
    };
  }

  void onFlow(ObservedFlow flow, PolicyJudgement judgement, long learningUntil, TimerService timers,
      Consumer<PolicyAnomaly> out) throws IOException {
    if (group.onFlow(access, flow, judgement, learningUntil, out)) {
      schedule(timers);
    }
  }

  void onTimer(long timestamp, TimerService timers, Consumer<PolicyAnomaly> out) throws IOException {
    Long registered = timer.value();
    if (registered == null || registered != timestamp) {
      return;
    }
    timer.clear();
    group.onWatermark(access, Math.max(timestamp, timers.currentWatermark()), out);
    schedule(timers);
  }

  private void schedule(TimerService timers) throws IOException {
    Long registered = timer.value();
    OptionalLong move = group.timerMove(access, registered == null ? Long.MAX_VALUE : registered);
    if (move.isEmpty()) {
      return;
    }
    if (registered != null && !timerSharedWith.test(registered)) {
      timers.deleteEventTimeTimer(registered);
    }
    timers.registerEventTimeTimer(move.getAsLong());
    timer.update(move.getAsLong());
  }
}
