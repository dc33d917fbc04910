package dev.flowtel.core.time;

/**
 * Bounded out-of-orderness event time that advances on events in steps of at least
 * {@link #STEP_MILLIS} of event time, shared by every engine. Where the watermark falls among
 * fast-arriving records, and so which flows are late and which windows a flow lands in, then
 * depends on the input order alone, which makes replays, tests and the two engines agree.
 * A watermark {@code w} means: every flow ending at or before {@code w} has arrived.
 * Not thread-safe; one per partition (or source split).
 */
public final class StepWatermark {

  /** Nothing to emit. */
  public static final long NONE = Long.MIN_VALUE;
  public static final long STEP_MILLIS = 1_000;

  private final long outOfOrdernessMillis;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEmitted = Long.MIN_VALUE;

  public StepWatermark(long outOfOrdernessMillis) {
    this.outOfOrdernessMillis = outOfOrdernessMillis;
  }

  /** Records an event; returns the watermark to emit now, or {@link #NONE} when the step is not reached. */
  public long onEvent(long eventTimeMillis) {
    maxTimestamp = Math.max(maxTimestamp, eventTimeMillis);
    long candidate = candidate();
    if (lastEmitted == Long.MIN_VALUE || candidate >= lastEmitted + STEP_MILLIS) {
      lastEmitted = candidate;
      return candidate;
    }
    return NONE;
  }

  /** A periodic (processing-time) emission: the exact bound when it moved since the last one, else {@link #NONE}. */
  public long onPeriodic() {
    if (maxTimestamp != Long.MIN_VALUE && candidate() > lastEmitted) {
      lastEmitted = candidate();
      return lastEmitted;
    }
    return NONE;
  }

  /** Moves the watermark to {@code watermark} when that is ahead (an idle source keeping pace with the clock). */
  public long advanceTo(long watermark) {
    if (watermark > lastEmitted) {
      lastEmitted = watermark;
      maxTimestamp = Math.max(maxTimestamp, watermark + outOfOrdernessMillis + 1);
      return watermark;
    }
    return NONE;
  }

  /** The last emitted watermark, or Long.MIN_VALUE before the first event. */
  public long current() {
    return lastEmitted;
  }

  public long maxTimestamp() {
    return maxTimestamp;
  }

  /** Restores what {@link #maxTimestamp()} and {@link #current()} returned (an engine's persisted state). */
  public void restore(long maxTimestampMillis, long watermark) {
    this.maxTimestamp = maxTimestampMillis;
    this.lastEmitted = watermark;
  }

  private long candidate() {
    return maxTimestamp - outOfOrdernessMillis - 1;
  }
}
