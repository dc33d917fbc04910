package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.LearningPeriod;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The start of this task's {@link LearningPeriod}, kept in the task's store, so a restart keeps
 * learning where it was.
 */
final class LearningClock {

  private static final String KEY = "learning-start";

  private final KeyValueStore<String, byte[]> meta;
  private final LearningPeriod period;
  private long start = Long.MIN_VALUE;

  LearningClock(KeyValueStore<String, byte[]> meta, long configuredStart, long periodMillis) {
    this.meta = meta;
    this.period = new LearningPeriod(configuredStart, periodMillis);
    byte[] stored = meta.get(KEY);
    if (stored != null) {
      start = ByteBuffer.wrap(stored).getLong();
    }
  }

  long learningUntil(long eventTime) {
    if (start == Long.MIN_VALUE) {
      start = period.startGivenFirstFlowAt(eventTime);
      meta.put(KEY, ByteBuffer.allocate(8).putLong(start).array());
    }
    return period.endGivenStartAt(start);
  }
}
