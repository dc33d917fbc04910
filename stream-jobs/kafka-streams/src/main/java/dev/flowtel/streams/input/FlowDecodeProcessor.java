package dev.flowtel.streams.input;

import dev.flowtel.core.intake.FlowIntake;
import dev.flowtel.core.intake.FlowIntakeResult;
import dev.flowtel.streams.metrics.AppMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the flows topic through core's {@link FlowIntake}: decodes each record once for every part
 * of the app, drops observations that duplicate another (core's {@code ObservationPoint}), and
 * turns undecodable bytes into dead letters naming the reason and where they came from. Dead
 * letters never move event time.
 */
public final class FlowDecodeProcessor implements Processor<byte[], byte[], byte[], Routed> {

  private final String dlqTopic;
  private final AppMetrics metrics;
  private final FlowIntake intake;
  private ProcessorContext<byte[], Routed> context;

  /**
   * @param wholeEvents whether downstream processors read the decoded FlowEvent (detection does,
   *     labels included); without them, flows are skimmed and {@link DecodedFlow#event()} is null
   */
  public FlowDecodeProcessor(String dlqTopic, AppMetrics metrics, boolean wholeEvents) {
    this.dlqTopic = dlqTopic;
    this.metrics = metrics;
    this.intake = new FlowIntake(wholeEvents ? FlowIntake.Reading.WHOLE_EVENTS : FlowIntake.Reading.CLASSIFIED_ONLY,
        FlowIntake.MissingValue.NO_VALUE);
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.flowsIn.increment();
    FlowIntakeResult result = intake.read(record.value());
    if (result instanceof FlowIntakeResult.CountedFlow counted) {
      context.forward(record.withValue(new DecodedFlow(counted.event(), counted.flow(), record.value())));
    } else if (result instanceof FlowIntakeResult.Undecodable bad) {
      metrics.undecodable.increment();
      context.forward(DeadLetters.of(dlqTopic, record.key(), record.value(), bad.reason(), bad.detail(),
          context.recordMetadata().orElse(null), record.timestamp()));
    } else {
      metrics.duplicateObservations.increment();
    }
  }
}
