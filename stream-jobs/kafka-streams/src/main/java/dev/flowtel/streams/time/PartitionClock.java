package dev.flowtel.streams.time;

import dev.flowtel.core.time.StepWatermark;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Event time of one input partition (one task), as the Flink jobs' source watermarks: core's
 * {@link StepWatermark} on every counted flow, plus, on a wall-clock punctuation, the exact bound
 * (Flink's periodic emission) and, once no flow came for the idleness, event time that keeps pace
 * with the wall clock, so the windows of a quiet partition still close. (Flink's idleness instead
 * stops a quiet partition from holding back the others; a Kafka Streams task has no others.) Not
 * persisted, like Flink's watermarks: after a restart event time starts again from the next flow.
 *
 * <p>A router that sends this event time on as {@link WatermarkMarker}s has it {@link #punctuate}d: that adds
 * the mark of a partition quiet since its task started, so that it holds back no task downstream.
 */
public final class PartitionClock {

  public static final long NONE = StepWatermark.NONE;
  /** How often processors punctuate on the wall clock. */
  public static final Duration PUNCTUATION = Duration.ofSeconds(1);
  /**
   * The mark of a partition with no record at all since its task started: downstream tasks leave it out
   * of their least watermark ({@link UpstreamWatermarks}) until it sends event time.
   */
  public static final long IDLE_SINCE_START = Long.MAX_VALUE;

  /** Where a router sends a mark on: the watermark (or {@link #IDLE_SINCE_START}) and the record timestamp to give it. */
  @FunctionalInterface
  public interface Marks {
    void mark(long watermark, long timestamp);
  }

  private final StepWatermark watermark;
  private final long idlenessMillis;
  private long lastRecordWall = Long.MIN_VALUE;
  private long watermarkAtLastRecord = Long.MIN_VALUE;
  private long startedWall = Long.MIN_VALUE;
  private boolean idleSinceStartMarked;

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

  /** The task started at {@code wallNow}: its idleness since start counts from here. */
  public void start(long wallNow) {
    startedWall = wallNow;
  }

  /**
   * Starts the clock with its router's task and punctuates it on the wall clock: each mark that
   * {@link #markOnPunctuation} gives goes to {@code marks}, stamped with the wall time.
   */
  public void punctuate(ProcessingContext context, Marks marks) {
    start(context.currentSystemTimeMs());
    context.schedule(PUNCTUATION, PunctuationType.WALL_CLOCK_TIME, now -> {
      long next = markOnPunctuation(now);
      if (next != NONE) {
        marks.mark(next, now);
      }
    });
  }

  /**
   * A wall-clock punctuation of a router: the new watermark as {@link #onPunctuation} gives it, or, once,
   * {@link #IDLE_SINCE_START} when no flow came for the idleness since {@link #start} (a quiet topic is
   * common: it must not hold back the tasks downstream, as Flink's idleness does not), or {@link #NONE}.
   */
  public long markOnPunctuation(long wallNow) {
    long next = onPunctuation(wallNow);
    if (next != NONE) {
      return next;
    }
    if (watermark() == Long.MIN_VALUE && !idleSinceStartMarked && startedWall != Long.MIN_VALUE
        && wallNow - startedWall >= idlenessMillis) {
      idleSinceStartMarked = true;
      return IDLE_SINCE_START;
    }
    return NONE;
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
