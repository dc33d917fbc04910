package dev.flowtel.flink.traffic;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Fires a window when the watermark passes its end, and once more for each watermark advance
 * that brought late flows (within the allowed lateness). Flink's event-time trigger fires on
 * every late element instead, so a late connection (request and reply) would make two revisions
 * where one says it all; here late updates between two watermarks become one revision, and which
 * ones they are depends only on the input order.
 */
public final class LateUpdateTrigger extends Trigger<Object, TimeWindow> {

  private static final long serialVersionUID = 1L;
  private static final ValueStateDescriptor<Boolean> LATE_PENDING = new ValueStateDescriptor<>("late-pending", Types.BOOLEAN);

  @Override
  public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext context)
      throws Exception {
    long watermark = context.getCurrentWatermark();
    if (window.maxTimestamp() > watermark) {
      context.registerEventTimeTimer(window.maxTimestamp());
    } else {
      // Fires at the next watermark advance; the window's cleanup timer is never earlier, since
      // the window operator drops flows whose cleanup time the watermark already passed.
      context.registerEventTimeTimer(watermark + 1);
      context.getPartitionedState(LATE_PENDING).update(true);
    }
    return TriggerResult.CONTINUE;
  }

  @Override
  public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext context) throws Exception {
    if (time == window.maxTimestamp()) {
      return TriggerResult.FIRE;
    }
    // Any other timer is a late update's, or the window operator's cleanup timer.
    ValueState<Boolean> latePending = context.getPartitionedState(LATE_PENDING);
    if (Boolean.TRUE.equals(latePending.value())) {
      latePending.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  @Override
  public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext context) {
    return TriggerResult.CONTINUE;
  }

  @Override
  public void clear(TimeWindow window, TriggerContext context) {
    context.deleteEventTimeTimer(window.maxTimestamp());
    context.getPartitionedState(LATE_PENDING).clear();
  }
}
