package dev.flowtel.flink.input;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that also advance on events, in steps of at least
 * {@link #STEP_MILLIS} of event time. Flink's own generator emits only periodically (every 200 ms
 * of processing time), so where a watermark falls among fast-arriving records, and so which flows
 * are late, would depend on timing; here it depends on the input order, which makes replays and
 * tests repeatable, at one watermark per second of event time per partition.
 */
public final class FlowWatermarks implements WatermarkGenerator<SourceRecord> {

  static final long STEP_MILLIS = 1_000;

  private final long outOfOrdernessMillis;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEmitted = Long.MIN_VALUE;

  public FlowWatermarks(Duration outOfOrderness) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
  }

  @Override
  public void onEvent(SourceRecord record, long eventTimestamp, WatermarkOutput output) {
    if (record.flow() == null) {
      return;
    }
    maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    long candidate = current();
    if (lastEmitted == Long.MIN_VALUE || candidate >= lastEmitted + STEP_MILLIS) {
      emit(candidate, output);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (maxTimestamp != Long.MIN_VALUE && current() > lastEmitted) {
      emit(current(), output);
    }
  }

  private long current() {
    return maxTimestamp - outOfOrdernessMillis - 1;
  }

  private void emit(long watermark, WatermarkOutput output) {
    lastEmitted = watermark;
    output.emitWatermark(new Watermark(watermark));
  }
}
