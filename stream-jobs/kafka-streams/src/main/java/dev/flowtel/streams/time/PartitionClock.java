package dev.flowtel.streams.time;

import dev.flowtel.core.time.StepWatermark;
import java.time.Duration;

/**
 * Event time of one input partition (one task), as the Flink jobs' source watermarks: core's
 * {@link StepWatermark} on every counted flow, plus, on a wall-clock punctuation, the exact bound
 * (Flink's periodic emission) and, once no flow came for the idleness, event time that keeps pace
 * with the wall clock, so the windows of a quiet partition still close. (Flink's idleness instead
 * stops a quiet partition from holding back the others; a Kafka Streams task has no others.) Not
 * persisted, like Flink's watermarks: after a restart event time starts again from the next flow.
 */
public final class PartitionClock {

  public static final long NONE = StepWatermark.NONE;
  /** How often processors punctuate on the wall clock. */
  public static final Duration PUNCTUATION = Duration.ofSeconds(1);

  private final StepWatermark watermark;
  private final long idlenessMillis;
  private long lastRecordWall = Long.MIN_VALUE;
  private long watermarkAtLastRecord = Long.MIN_VALUE;

  public PartitionClock(Duration maxOutOfOrderness, Duration idleness) {
    this.watermark = new StepWatermark(maxOutOfOrderness.toMillis());
    this.idlenessMillis = idleness.toMillis();
  }

  /** A counted flow ending at {@code eventTime}; returns the new watermark, or {@link #NONE}. */
  public long onFlow(long eventTime, long wallNow) {
    lastRecordWall = wallNow;
    long next = watermark.onEvent(eventTime);
    watermarkAtLastRecord = watermark.current();
    return next;
  }

  /**
   * A wall-clock punctuation; returns the new watermark, or {@link #NONE}. Once no flow came for the
   * idleness, event time is the watermark at the last flow plus the wall time since.
   */
  public long onPunctuation(long wallNow) {
    long next = watermark.onPeriodic();
    if (lastRecordWall != Long.MIN_VALUE && watermarkAtLastRecord != Long.MIN_VALUE
        && wallNow - lastRecordWall >= idlenessMillis) {
      long idle = watermark.advanceTo(saturatedAdd(watermarkAtLastRecord, wallNow - lastRecordWall));
      next = idle != NONE ? idle : next;
    }
    return next;
  }

  /** The current watermark, Long.MIN_VALUE before the first flow. */
  public long watermark() {
    return watermark.current();
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE - 1 : r;
  }
}
