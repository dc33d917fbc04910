package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The DNS side of the traffic job's lateness rule (see LateFlowFilter): dead letters and queries too
 * late for their window go to the DLQ side output before the shuffle, with their original bytes.
 */
final class LateDnsFilter extends ProcessFunction<DnsInput, DnsExchange> {

  private static final long serialVersionUID = 1L;
  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dns-dead-letters") {};

  private final long windowMillis;
  private final long allowedLatenessMillis;
  private final String producer;
  private transient Counter lateQueries;

  LateDnsFilter(long windowMillis, long allowedLatenessMillis, String producer) {
    this.windowMillis = windowMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.producer = producer;
  }

  @Override
  public void open(OpenContext openContext) {
    lateQueries = getRuntimeContext().getMetricGroup().counter("lateDnsQueries");
  }

  @Override
  public void processElement(DnsInput input, Context context, Collector<DnsExchange> out) {
    if (input.deadLetter() != null) {
      context.output(DEAD_LETTERS, input.deadLetter());
      return;
    }
    DnsExchange exchange = input.exchange();
    long watermark = context.timerService().currentWatermark();
    if (DnsActivityWindows.tooLate(exchange.timeMillis(), windowMillis, allowedLatenessMillis, watermark)) {
      lateQueries.inc();
      context.output(DEAD_LETTERS, new DeadLetter(exchange.clientKey().getBytes(StandardCharsets.UTF_8), input.original(),
          DeadLetterHeaders.REASON_LATE, DnsActivityWindows.lateDetail(exchange.timeMillis(), watermark, allowedLatenessMillis),
          null, -1, -1, producer));
      return;
    }
    out.collect(exchange);
  }
}
