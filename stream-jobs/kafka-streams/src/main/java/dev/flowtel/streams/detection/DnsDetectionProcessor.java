package dev.flowtel.streams.detection;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.streams.dns.LateForActivity;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.time.UpstreamWatermarks;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The DNS detectors (NXDOMAIN_SPIKE, DNS_TUNNEL) after the repartition of DNS transactions by client:
 * one {@link dev.flowtel.core.dns.DnsDetectorGroup} per client key, its deadlines driven by the least
 * watermark of the DNS topic's partitions (their {@link WatermarkMarker}s), its anomalies to the
 * anomalies topic and the open-anomalies store, as the flows' keyed detectors do.
 */
public final class DnsDetectionProcessor implements Processor<String, byte[], byte[], Routed> {

  public static final String STATES = "detect-dns-states";
  public static final String TIMERS = "detect-dns-timers";
  public static final String META = "detect-dns-meta";
  public static final String OPEN = "anomalies-open-dns";

  private final DetectionSettings settings;
  private final AppMetrics metrics;
  private final WireCodec<DnsTransaction> codec = WireCodec.of(RecordType.DNS_TRANSACTION);
  private final UpstreamWatermarks watermark = new UpstreamWatermarks();
  private DnsDetectorRunner runner;
  private AnomalyOutput output;
  private LearningClock learning;

  public DnsDetectionProcessor(DetectionSettings settings, AppMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    runner = new DnsDetectorRunner(settings.dnsConfig(), settings.config().pacing(), context.getStateStore(STATES),
        context.getStateStore(TIMERS));
    output = new AnomalyOutput(context, context.getStateStore(OPEN), settings.anomaliesTopic(), settings.config(), metrics);
    learning = new LearningClock(context.getStateStore(META), settings.learningStartMillis(),
        settings.config().learningPeriod().toMillis());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (WatermarkMarker.is(record.value())) {
      if (watermark.advance(WatermarkMarker.decode(record.value()))) {
        runner.onWatermark(watermark.current(), output::emit);
        output.expire(watermark.current());
      }
      return;
    }
    // The router sent only transactions that decoded; the detectors take those too late for DnsActivity as well.
    byte[] value = LateForActivity.is(record.value()) ? LateForActivity.unwrap(record.value()) : record.value();
    DnsQuery query = DnsQuery.of(codec.decode(value).orElseThrow());
    runner.onQuery(record.key(), query, learning.learningUntil(query.timeMillis()), output::emit);
  }
}
