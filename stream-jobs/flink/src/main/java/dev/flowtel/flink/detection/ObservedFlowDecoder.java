package dev.flowtel.flink.detection;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.intake.FlowIntake;
import dev.flowtel.core.intake.FlowIntakeResult;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.schema.FlowEvent;
import java.util.Optional;

/**
 * The detection job's wrapper of core's {@link FlowIntake}: the counted flow with what detectors
 * and policy evaluation need (endpoints, 5-tuple, flags, verdict), a dead letter naming why the
 * bytes are unusable, or nothing for an observation that duplicates another. One per source reader.
 */
public final class ObservedFlowDecoder {

  public static final String PRODUCER = "flink-policy-anomaly";

  private final FlowIntake intake = new FlowIntake(FlowIntake.Reading.WHOLE_EVENTS, FlowIntake.MissingValue.CODEC_EMPTY);

  public Optional<DetectionRecord> decode(byte[] key, byte[] value, String topic, int partition, long offset) {
    FlowIntakeResult result = intake.read(value);
    if (result instanceof FlowIntakeResult.Undecodable bad) {
      return Optional.of(DetectionRecord.dead(
          DeadLetter.undecodable(bad, key, value, topic, partition, offset, PRODUCER)));
    }
    return observed(result);
  }

  /** The counted flow of a decoded event, or empty for a duplicate observation. */
  public Optional<DetectionRecord> observe(FlowEvent flow) {
    return observed(intake.count(flow));
  }

  private static Optional<DetectionRecord> observed(FlowIntakeResult result) {
    return result instanceof FlowIntakeResult.CountedFlow counted
        ? Optional.of(DetectionRecord.of(ObservedFlow.of(counted.event(), counted.flow())))
        : Optional.empty();
  }
}
