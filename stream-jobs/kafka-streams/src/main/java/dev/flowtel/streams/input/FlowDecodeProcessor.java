package dev.flowtel.streams.input;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowEventSkimmer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the flows topic: decodes each record once for every part of the app, drops observations
 * that duplicate another (core's {@code ObservationPoint}), and turns undecodable bytes into dead
 * letters naming the reason and where they came from. Dead letters never move event time.
 */
public final class FlowDecodeProcessor implements Processor<byte[], byte[], byte[], Routed> {

  private final String dlqTopic;
  private final AppMetrics metrics;
  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  /** Set when nothing downstream reads the FlowEvent (no detection): traffic needs only the classified flow. */
  private final FlowEventSkimmer skimmer;
  private final FlowClassifier classifier = new FlowClassifier();
  private ProcessorContext<byte[], Routed> context;

  /**
   * @param wholeEvents whether downstream processors read the decoded FlowEvent (detection does,
   *     labels included); without them, flows are skimmed ({@link FlowEventSkimmer}) and
   *     {@link DecodedFlow#event()} is null
   */
  public FlowDecodeProcessor(String dlqTopic, AppMetrics metrics, boolean wholeEvents) {
    this.dlqTopic = dlqTopic;
    this.metrics = metrics;
    this.skimmer = wholeEvents ? null : new FlowEventSkimmer();
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.flowsIn.increment();
    DecodeResult<FlowEvent> result = record.value() == null ? null
        : skimmer != null ? skimmer.decode(record.value()) : codec.decode(record.value());
    if (result == null || result instanceof DecodeResult.Failed<FlowEvent>) {
      metrics.undecodable.increment();
      String reason = result == null ? "no-value" : ((DecodeResult.Failed<FlowEvent>) result).cause().reason();
      String detail = result == null ? "flows record without a value" : ((DecodeResult.Failed<FlowEvent>) result).detail();
      context.forward(DeadLetters.of(dlqTopic, record.key(), record.value(), reason, detail,
          context.recordMetadata().orElse(null), record.timestamp()));
      return;
    }
    FlowEvent event = ((DecodeResult.Decoded<FlowEvent>) result).record();
    Optional<ClassifiedFlow> classified = classifier.classify(event);
    if (classified.isEmpty()) {
      metrics.duplicateObservations.increment();
      return;
    }
    // A skimmer reuses its FlowEvent: then pass none on, only what traffic reads.
    context.forward(record.withValue(new DecodedFlow(skimmer == null ? event : null, classified.get(), record.value())));
  }
}
