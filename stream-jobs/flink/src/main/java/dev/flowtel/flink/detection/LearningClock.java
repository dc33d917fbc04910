package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.LearningPeriod;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The start of this subtask's {@link LearningPeriod}, kept in operator state, so a restart keeps
 * learning where it was instead of learning again.
 */
final class LearningClock {

  private final LearningPeriod period;
  private long start = Long.MIN_VALUE;
  private ListState<Long> stored;

  LearningClock(long configuredStart, long periodMillis) {
    this.period = new LearningPeriod(configuredStart, periodMillis);
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
      start = period.startGivenFirstFlowAt(eventTime);
    }
    return period.endGivenStartAt(start);
  }
}
