package dev.flowtel.flink.input;

import dev.flowtel.core.time.StepWatermark;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The watermarks of both Flink jobs: bounded out-of-orderness that also advances on events, in
 * steps of at least a second of event time (core's {@link StepWatermark}, which Kafka Streams uses
 * too). Flink's own generator emits only periodically (every 200 ms of processing time), so where a
 * watermark falls among fast-arriving records, and so which flows are late, would depend on timing;
 * here it depends on the input order, which makes replays and tests repeatable, at one watermark
 * per second of event time per partition. Records that carry no flow (dead letters) do not move it.
 *
 * @param <R> what the job's source emits
 */
public final class FlowWatermarks<R> implements WatermarkGenerator<R> {

  /** Whether a record of the source is a flow, which moves event time. */
  @FunctionalInterface
  public interface CarriesFlow<R> extends Predicate<R>, Serializable {}

  private final StepWatermark watermark;
  private final CarriesFlow<R> carriesFlow;

  /** What a job's source emits: a record that knows its event time, or has none (a dead letter). */
  public interface EventTimed {
    long eventTimeOr(long fallback);
  }

  /**
   * The jobs' watermark strategy for a source of {@code R}: these watermarks, the records' own event
   * time as their timestamps, and a source split idle after {@code idleness} without records.
   */
  public static <R extends EventTimed> WatermarkStrategy<R> strategy(Duration outOfOrderness, Duration idleness,
      CarriesFlow<R> carriesFlow) {
    return WatermarkStrategy.<R>forGenerator(context -> new FlowWatermarks<R>(outOfOrderness, carriesFlow))
        .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTimeOr(Long.MIN_VALUE))
        .withIdleness(idleness);
  }

  public FlowWatermarks(Duration outOfOrderness, CarriesFlow<R> carriesFlow) {
    this.watermark = new StepWatermark(outOfOrderness.toMillis());
    this.carriesFlow = carriesFlow;
  }

  @Override
  public void onEvent(R record, long eventTimestamp, WatermarkOutput output) {
    if (carriesFlow.test(record)) {
      emit(watermark.onEvent(eventTimestamp), output);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    emit(watermark.onPeriodic(), output);
  }

  private static void emit(long next, WatermarkOutput output) {
    if (next != StepWatermark.NONE) {
      output.emitWatermark(new Watermark(next));
    }
  }
}
