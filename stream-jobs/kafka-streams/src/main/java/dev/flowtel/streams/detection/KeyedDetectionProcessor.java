package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.time.UpstreamWatermarks;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The detectors of a grouping that needs no policies (PORT_SCAN and IP_SWEEP by client address,
 * EXTERNAL_EGRESS by client workload), after the repartition by that key. Event time is the least
 * watermark of the upstream partitions, from their {@link WatermarkMarker}s, never going back.
 */
public final class KeyedDetectionProcessor implements Processor<String, byte[], byte[], Routed> {

  private final Grouping grouping;
  private final DetectionSettings settings;
  private final AppMetrics metrics;
  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final FlowClassifier classifier = new FlowClassifier();
  private final UpstreamWatermarks watermark = new UpstreamWatermarks();
  private DetectorRunner runner;
  private AnomalyOutput output;
  private LearningClock learning;

  public KeyedDetectionProcessor(Grouping grouping, DetectionSettings settings, AppMetrics metrics) {
    this.grouping = grouping;
    this.settings = settings;
    this.metrics = metrics;
  }

  public static String storeName(Grouping grouping, String what) {
    return "detect-" + grouping.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + what;
  }

  public static String openStore(Grouping grouping) {
    return "anomalies-open-" + grouping.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    runner = new DetectorRunner(new DetectorGroup(Detectors.of(grouping, settings.config())),
        context.getStateStore(storeName(grouping, "states")), context.getStateStore(storeName(grouping, "timers")));
    output = new AnomalyOutput(context, context.getStateStore(openStore(grouping)), settings.anomaliesTopic(),
        settings.config(), metrics);
    learning = new LearningClock(context.getStateStore(storeName(grouping, "meta")), settings.learningStartMillis(),
        settings.config().learningPeriod().toMillis());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (WatermarkMarker.is(record.value())) {
      onMarker(WatermarkMarker.decode(record.value()));
      return;
    }
    var decoded = codec.decode(record.value());
    Optional<ObservedFlow> flow = decoded.isDecoded() ? ObservedFlow.of(decoded.orElseThrow(), classifier) : Optional.empty();
    if (flow.isEmpty()) {
      return; // the router sends only counted, decodable flows
    }
    runner.onFlow(record.key(), flow.get(), PolicyJudgement.UNKNOWN, learning.learningUntil(flow.get().flowEndMillis()),
        output::emit);
  }

  private void onMarker(WatermarkMarker marker) {
    if (!watermark.advance(marker)) {
      return;
    }
    runner.onWatermark(watermark.current(), output::emit);
    output.expire(watermark.current());
  }

}
