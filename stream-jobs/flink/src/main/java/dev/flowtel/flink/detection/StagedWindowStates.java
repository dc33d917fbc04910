package dev.flowtel.flink.detection;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.StagedJudgement;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.StagedPolicyVerdict;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * The staged policy windows of one edge key inside the edge detection function: core's
 * {@link StagedPolicyWindows} state in keyed value state, and an event-time timer at its next
 * deadline. It never deletes a timer (the detectors may hold the same timestamp): a stale one
 * fires, finds nothing due and re-arms at the deadline.
 */
final class StagedWindowStates {

  private final StagedPolicyWindows windows;
  private final ValueState<StagedPolicyWindows.State> state;
  private final ValueState<Long> timer;

  StagedWindowStates(StagedPolicyWindows windows, RuntimeContext context) {
    this.windows = windows;
    // The state class keeps its name and fields, as detector states do (docs/development.md).
    this.state = context.getState(new ValueStateDescriptor<>("staged-windows", TypeInformation.of(StagedPolicyWindows.State.class)));
    this.timer = context.getState(new ValueStateDescriptor<>("staged-timer", Types.LONG));
  }

  /** The timestamp of this key's pending staged timer, or Long.MIN_VALUE. */
  long registered() throws IOException {
    Long at = timer.value();
    return at == null ? Long.MIN_VALUE : at;
  }

  /** Counts a flow judged at {@code watermark}, the event time the cluster state is known complete to. */
  void onFlow(ObservedFlow flow, List<StagedJudgement> judgements, long watermark, TimerService timers) throws IOException {
    if (judgements.isEmpty()) {
      return;
    }
    StagedPolicyWindows.State current = state.value();
    if (current == null) {
      current = windows.newState();
    }
    if (windows.onFlow(current, flow, judgements, watermark)) {
      state.update(current);
      arm(current, timers);
    }
  }

  void onTimer(long timestamp, TimerService timers, Consumer<StagedPolicyVerdict> out) throws IOException {
    StagedPolicyWindows.State current = state.value();
    if (current == null) {
      return;
    }
    windows.onWatermark(current, Math.max(timestamp, timers.currentWatermark()), out);
    if (windows.isEmpty(current)) {
      state.clear();
      timer.clear();
    } else {
      state.update(current);
      arm(current, timers);
    }
  }

  private void arm(StagedPolicyWindows.State current, TimerService timers) throws IOException {
    long deadline = windows.nextDeadline(current);
    Long at = timer.value();
    if (at == null || at != deadline) {
      timers.registerEventTimeTimer(deadline);
      timer.update(deadline);
    }
  }
}
