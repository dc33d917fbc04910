package dev.flowtel.flink.detection;

import dev.flowtel.core.time.StepWatermark;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that advance on events in steps of a second of event time,
 * as the aggregation job's, so which windows a flow lands in depends on input order alone and a
 * replay gives the same anomalies. Dead letters do not move them.
 */
public final class DetectionWatermarks implements WatermarkGenerator<DetectionRecord> {

  static final long STEP_MILLIS = StepWatermark.STEP_MILLIS;

  private final StepWatermark watermark;

  public DetectionWatermarks(Duration outOfOrderness) {
    this.watermark = new StepWatermark(outOfOrderness.toMillis());
  }

  @Override
  public void onEvent(DetectionRecord record, long eventTimestamp, WatermarkOutput output) {
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
