package dev.flowtel.flink.input;

import dev.flowtel.core.time.StepWatermark;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that also advance on events, in steps of at least
 * {@link #STEP_MILLIS} of event time (core's {@link StepWatermark}, which Kafka Streams uses too). Flink's own generator emits only periodically (every 200 ms
 * of processing time), so where a watermark falls among fast-arriving records, and so which flows
 * are late, would depend on timing; here it depends on the input order, which makes replays and
 * tests repeatable, at one watermark per second of event time per partition.
 */
public final class FlowWatermarks implements WatermarkGenerator<SourceRecord> {

  static final long STEP_MILLIS = StepWatermark.STEP_MILLIS;

  private final StepWatermark watermark;

  public FlowWatermarks(Duration outOfOrderness) {
    this.watermark = new StepWatermark(outOfOrderness.toMillis());
  }

  @Override
  public void onEvent(SourceRecord record, long eventTimestamp, WatermarkOutput output) {
    if (record.flow() == null) {
      return;
    }
    emit(watermark.onEvent(eventTimestamp), output);
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
