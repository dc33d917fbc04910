package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.Detector;
import dev.flowtel.core.anomaly.ObservedFlow;
import dev.flowtel.core.anomaly.PolicyJudgement;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Runs core detectors of one grouping inside a keyed Flink function: one keyed value state per
 * detector (its plain-Java state), and one event-time timer per key at the earliest deadline any
 * detector asked for, so idle keys cost no timers and expired state is cleared.
 */
final class DetectorStates {

  private final List<Detector<?>> detectors;
  private final ValueState<Serializable>[] states;
  private final ValueState<Long> timer;

  @SuppressWarnings("unchecked")
  DetectorStates(List<Detector<?>> detectors, RuntimeContext context) {
    this.detectors = detectors;
    this.states = new ValueState[detectors.size()];
    for (int i = 0; i < detectors.size(); i++) {
      Detector<?> d = detectors.get(i);
      Class<Serializable> stateClass = (Class<Serializable>) d.newState().getClass();
      states[i] = context.getState(new ValueStateDescriptor<>(d.type().name().toLowerCase(java.util.Locale.ROOT),
          TypeInformation.of(stateClass)));
    }
    this.timer = context.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG));
  }

  void onFlow(ObservedFlow flow, PolicyJudgement judgement, long learningUntil, TimerService timers,
      Consumer<PolicyAnomaly> out) throws IOException {
    boolean touched = false;
    for (int i = 0; i < detectors.size(); i++) {
      @SuppressWarnings("unchecked")
      Detector<Serializable> d = (Detector<Serializable>) detectors.get(i);
      if (!d.accepts(flow)) {
        continue;
      }
      Serializable state = states[i].value();
      if (state == null) {
        state = d.newState();
      }
      d.onFlow(state, flow, judgement, learningUntil, out);
      states[i].update(state);
      touched = true;
    }
    if (touched) {
      schedule(timers);
    }
  }

  void onTimer(long timestamp, TimerService timers, Consumer<PolicyAnomaly> out) throws IOException {
    Long registered = timer.value();
    if (registered == null || registered != timestamp) {
      return;
    }
    timer.clear();
    long watermark = Math.max(timestamp, timers.currentWatermark());
    for (int i = 0; i < detectors.size(); i++) {
      @SuppressWarnings("unchecked")
      Detector<Serializable> d = (Detector<Serializable>) detectors.get(i);
      Serializable state = states[i].value();
      if (state == null) {
        continue;
      }
      d.onWatermark(state, watermark, out);
      if (d.isEmpty(state)) {
        states[i].clear();
      } else {
        states[i].update(state);
      }
    }
    schedule(timers);
  }

  private void schedule(TimerService timers) throws IOException {
    long next = Long.MAX_VALUE;
    for (int i = 0; i < detectors.size(); i++) {
      @SuppressWarnings("unchecked")
      Detector<Serializable> d = (Detector<Serializable>) detectors.get(i);
      Serializable state = states[i].value();
      if (state != null) {
        next = Math.min(next, d.nextDeadline(state));
      }
    }
    Long registered = timer.value();
    if (next == Long.MAX_VALUE || (registered != null && registered <= next)) {
      return;
    }
    if (registered != null) {
      timers.deleteEventTimeTimer(registered);
    }
    timers.registerEventTimeTimer(next);
    timer.update(next);
  }
}
