package dev.flowtel.flink.input;

import dev.flowtel.core.intake.FlowIntake;
import dev.flowtel.core.intake.FlowIntakeResult;
import java.util.Optional;

/**
 * The traffic job's wrapper of core's {@link FlowIntake}: a counted flow with its original bytes,
 * a dead letter naming why the bytes are unusable and where they came from, or nothing for an
 * observation that duplicates another. Classification needs no labels or policy names, so flows
 * are only skimmed. One per source reader.
 */
public final class FlowRecordDecoder {

  public static final String PRODUCER = "flink-traffic-aggregation";

  private final FlowIntake intake = new FlowIntake(FlowIntake.Reading.CLASSIFIED_ONLY, FlowIntake.MissingValue.CODEC_EMPTY);

  public Optional<SourceRecord> decode(byte[] key, byte[] value, String topic, int partition, long offset) {
    FlowIntakeResult result = intake.read(value);
    if (result instanceof FlowIntakeResult.Undecodable bad) {
      return Optional.of(SourceRecord.dead(
          DeadLetter.undecodable(bad, key, value, topic, partition, offset, PRODUCER)));
    }
    return result instanceof FlowIntakeResult.CountedFlow counted
        ? Optional.of(SourceRecord.of(counted.flow(), value))
        : Optional.empty();
  }
}
