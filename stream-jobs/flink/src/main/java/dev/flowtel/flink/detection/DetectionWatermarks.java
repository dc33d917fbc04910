package dev.flowtel.flink.detection;

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

  static final long STEP_MILLIS = 1_000;

  private final long outOfOrdernessMillis;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEmitted = Long.MIN_VALUE;

  public DetectionWatermarks(Duration outOfOrderness) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
  }

  @Override
  public void onEvent(DetectionRecord record, long eventTimestamp, WatermarkOutput output) {
    if (record.flow() == null) {
      return;
    }
    maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    long candidate = maxTimestamp - outOfOrdernessMillis - 1;
    if (lastEmitted == Long.MIN_VALUE || candidate >= lastEmitted + STEP_MILLIS) {
      lastEmitted = candidate;
      output.emitWatermark(new Watermark(candidate));
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (maxTimestamp != Long.MIN_VALUE && maxTimestamp - outOfOrdernessMillis - 1 > lastEmitted) {
      lastEmitted = maxTimestamp - outOfOrdernessMillis - 1;
      output.emitWatermark(new Watermark(lastEmitted));
    }
  }
}
