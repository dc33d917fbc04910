package dev.flowtel.flink.dns;

import dev.flowtel.core.config.TrafficWindowOptions;
import dev.flowtel.core.dns.activity.DnsActivityOptions;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowWatermarks;
import dev.flowtel.flink.traffic.LateUpdateTrigger;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The DNS activity aggregation inside the traffic job: DNS transactions, with the flows' watermark
 * and lateness rules (--max-out-of-orderness, --idleness, --allowed-lateness), keyed by client and
 * summed per name into --dns-window tumbling windows by core's {@code DnsActivityAccumulator}.
 * Undecodable and late records become dead letters with their reason.
 */
public final class DnsActivityPipeline {

  static final OutputTag<DnsExchange> LATE_IN_WINDOW = new OutputTag<>("dns-late-in-window") {};

  private DnsActivityPipeline() {}

  /** What the pipeline adds to a job: its rows, and its dead letters for the job's DLQ sink. */
  public record Streams(DataStream<DnsActivity> activity, DataStream<DeadLetter> deadLetters) {}

  public static Streams attach(StreamExecutionEnvironment env, Source<DnsInput, ?, ?> source, DnsActivityOptions dns,
      TrafficWindowOptions windows, String producer) {
    WatermarkStrategy<DnsInput> watermarks = FlowWatermarks.strategy(windows.maxOutOfOrderness(), windows.idleness(),
        r -> r.exchange() != null);
    long windowMillis = dns.window().toMillis();
    SingleOutputStreamOperator<DnsExchange> checked = env.fromSource(source, watermarks, "dns").uid("dns-source")
        .process(new LateDnsFilter(windowMillis, windows.allowedLateness().toMillis(), producer),
            TypeInformation.of(DnsExchange.class))
        .uid("late-dns-filter").name("DNS dead letters and late queries");
    SingleOutputStreamOperator<DnsActivity> activity = checked
        .keyBy(DnsExchange::clientKey)
        .window(TumblingEventTimeWindows.of(dns.window()))
        .trigger(new LateUpdateTrigger())
        .allowedLateness(windows.allowedLateness())
        .sideOutputLateData(LATE_IN_WINDOW)
        .aggregate(new DnsActivityAggregate(dns.namesPerWindow()), new DnsActivityWindowResult(),
            DnsActivityAccumulatorSerializer.TYPE, DnsActivityAccumulatorSerializer.TYPE, new AvroTypeInfo<>(DnsActivity.class))
        .uid("dns-activity-window").name("DNS activity " + dns.window());
    DataStream<DeadLetter> deadLetters = checked.getSideOutput(LateDnsFilter.DEAD_LETTERS)
        .union(activity.getSideOutput(LATE_IN_WINDOW).map(e -> lateInWindow(e, producer))
            .returns(TypeInformation.of(DeadLetter.class)).name("DNS late after the shuffle"));
    return new Streams(activity, deadLetters);
  }

  /**
   * The lateness filter runs before the shuffle on a watermark never behind the window's, so this
   * should stay empty; if it ever is not, the query is still accounted for, as a description.
   */
  private static DeadLetter lateInWindow(DnsExchange exchange, String producer) {
    String description = exchange.clientKey() + " asked " + exchange.name() + " at "
        + java.time.Instant.ofEpochMilli(exchange.timeMillis()) + ", rcode " + exchange.responseCode();
    return new DeadLetter(exchange.clientKey().getBytes(StandardCharsets.UTF_8), description.getBytes(StandardCharsets.UTF_8),
        DeadLetterHeaders.REASON_LATE, "late at the DNS window operator; the value describes the query", null, -1, -1,
        producer);
  }
}
