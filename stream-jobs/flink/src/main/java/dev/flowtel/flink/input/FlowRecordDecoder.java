package dev.flowtel.flink.input;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowEventSkimmer;
import java.util.Optional;

/**
 * Decodes a flows-topic record and classifies it: a counted flow, a dead letter naming why the
 * bytes are unusable, or nothing for an observation that duplicates another (see
 * {@code ObservationPoint}). Not thread-safe only in its counters; one per source reader.
 */
public final class FlowRecordDecoder {

  public static final String PRODUCER = "flink-traffic-aggregation";

  /** Classification needs no labels or policy names; the skimmer skips them (half the decoding cost). */
  private final FlowEventSkimmer skimmer = new FlowEventSkimmer();
  private final FlowClassifier classifier = new FlowClassifier();

  public Optional<SourceRecord> decode(byte[] key, byte[] value, String topic, int partition, long offset) {
    DecodeResult<FlowEvent> result = skimmer.decode(value);
    if (result instanceof DecodeResult.Failed<FlowEvent> failed) {
      return Optional.of(SourceRecord.dead(new DeadLetter(key, value, failed.cause().reason(), failed.detail(), topic,
          partition, offset, PRODUCER)));
    }
    FlowEvent flow = ((DecodeResult.Decoded<FlowEvent>) result).record();
    Optional<ClassifiedFlow> classified = classifier.classify(flow);
    return classified.map(c -> SourceRecord.of(c, value));
  }
}
