package dev.flowtel.flink.detection;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * When the learning period ends: a configured start plus the period, or else the event time of the
 * first flow this subtask saw plus the period. Kept in operator state, so a restart keeps learning
 * where it was instead of learning again.
 */
final class LearningClock {

  private final long configuredStart;
  private final long periodMillis;
  private long start = Long.MIN_VALUE;
  private ListState<Long> stored;

  LearningClock(long configuredStart, long periodMillis) {
    this.configuredStart = configuredStart;
    this.periodMillis = periodMillis;
  }

  void initialize(FunctionInitializationContext context) throws Exception {
    stored = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("learning-start", Types.LONG));
    for (Long value : stored.get()) {
      start = start == Long.MIN_VALUE ? value : Math.min(start, value);
    }
  }

  void snapshot() throws Exception {
    stored.update(start == Long.MIN_VALUE ? List.of() : List.of(start));
  }

  /** The end of learning, starting the clock at {@code eventTime} if it has not started. */
  long learningUntil(long eventTime) {
    if (start == Long.MIN_VALUE) {
      start = configuredStart != Long.MIN_VALUE ? configuredStart : eventTime;
    }
    return start + periodMillis;
  }
}
