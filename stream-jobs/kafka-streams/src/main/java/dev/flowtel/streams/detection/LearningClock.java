package dev.flowtel.streams.detection;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When a processor's learning period ends: the configured start plus the period, or else the event
 * time of the first flow this task saw plus the period (as the Flink job's per-subtask clock). Kept
 * in the task's store, so a restart keeps learning where it was.
 */
final class LearningClock {

  private static final String KEY = "learning-start";

  private final KeyValueStore<String, byte[]> meta;
  private final long configuredStart;
  private final long periodMillis;
  private long start = Long.MIN_VALUE;

  LearningClock(KeyValueStore<String, byte[]> meta, long configuredStart, long periodMillis) {
    this.meta = meta;
    this.configuredStart = configuredStart;
    this.periodMillis = periodMillis;
    byte[] stored = meta.get(KEY);
    if (stored != null) {
      start = ByteBuffer.wrap(stored).getLong();
    }
  }

  long learningUntil(long eventTime) {
    if (start == Long.MIN_VALUE) {
      start = configuredStart != Long.MIN_VALUE ? configuredStart : eventTime;
      meta.put(KEY, ByteBuffer.allocate(8).putLong(start).array());
    }
    return start + periodMillis;
  }
}
