package dev.flowtel.flink.input;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.wire.DeadLetterHeaders;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends dead letters and flows too late for any window still open to the DLQ side output, before
 * the shuffle, while the original bytes are at hand. A flow is too late when the window it falls
 * in (the longest configured) ended, plus the allowed lateness, at or before this subtask's
 * watermark; the window operator downstream never sees a later watermark before this flow, so
 * whatever passes here is accepted there.
 */
public final class LateFlowFilter extends ProcessFunction<SourceRecord, ClassifiedFlow> {

  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private final long windowMillis;
  private final long allowedLatenessMillis;
  private transient Counter lateFlows;
  /** Read by the metrics thread; written only when the watermark moves, not on every flow. */
  private transient volatile long lastWatermark;

  public LateFlowFilter(long windowMillis, long allowedLatenessMillis) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    // Set here, not where declared: a transient field's initializer does not run when Flink deserializes the function.
    lastWatermark = Long.MIN_VALUE;
    lateFlows = getRuntimeContext().getMetricGroup().counter("lateFlows");
    getRuntimeContext().getMetricGroup().gauge("watermarkLagMillis", () -> lastWatermark == Long.MIN_VALUE
        ? 0L : System.currentTimeMillis() - lastWatermark);
  }

  @Override
  public void processElement(SourceRecord record, Context context, Collector<ClassifiedFlow> out) {
    if (record.deadLetter() != null) {
      context.output(DEAD_LETTERS, record.deadLetter());
      return;
    }
    ClassifiedFlow flow = record.flow();
    long watermark = context.timerService().currentWatermark();
    if (watermark != lastWatermark) { // only this task writes it; reading a volatile costs a plain load
      lastWatermark = watermark;
    }
    if (TrafficWindows.tooLate(flow.eventTimeMillis(), windowMillis, allowedLatenessMillis, watermark)) {
      lateFlows.inc();
      context.output(DEAD_LETTERS, new DeadLetter(flow.edgeKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          record.original(), DeadLetterHeaders.REASON_LATE,
          TrafficWindows.lateDetail(flow.eventTimeMillis(), watermark, allowedLatenessMillis),
          null, -1, -1, FlowRecordDecoder.PRODUCER));
      return;
    }
    out.collect(flow);
  }
}
