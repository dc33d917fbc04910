package dev.flowtel.core.intake;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.SharedEndpointClassifier;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowEventSkimmer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.Optional;

/**
 * The first step of every engine on the flows topic, written once: decode a record's value,
 * classify the flow into its service edge counting each flow once ({@code ObservationPoint}), and
 * name why bytes that are not a flow cannot be used. Engines only wrap the {@link FlowIntakeResult}
 * in their own records, dead letters and metrics. Not thread-safe: one per reading thread.
 */
public final class FlowIntake {

  /** What an engine reads of each flow after the intake. */
  public enum Reading {
    /** Only the classified flow: labels and policy names are skipped ({@link FlowEventSkimmer}), half the cost. */
    CLASSIFIED_ONLY,
    /** The classified flow and the whole decoded FlowEvent, labels included (detection reads them). */
    WHOLE_EVENTS
  }

  /** How a record without a value is named in its dead letter; the engines have always differed here. */
  public enum MissingValue {
    /** {@code no-value: flows record without a value}, as the Kafka Streams app writes it. */
    NO_VALUE,
    /** The codec's {@code empty: no bytes}, as the Flink jobs write it. */
    CODEC_EMPTY
  }

  private static final FlowIntakeResult.Undecodable NO_VALUE =
      new FlowIntakeResult.Undecodable("no-value", "flows record without a value");

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  /** Null when whole events are read. */
  private final FlowEventSkimmer skimmer;
  private final MissingValue missingValue;
  private final FlowClassifier classifier = new FlowClassifier();
  /** For what the skimmer read: its endpoints are shared and never change, so their identity names the edge. */
  private final SharedEndpointClassifier skimmedClassifier = new SharedEndpointClassifier(classifier);

  public FlowIntake(Reading reading, MissingValue missingValue) {
    this.skimmer = reading == Reading.CLASSIFIED_ONLY ? new FlowEventSkimmer() : null;
    this.missingValue = missingValue;
  }

  /** The counted flow, the duplicate observation or the undecodable bytes that {@code value} is. */
  public FlowIntakeResult read(byte[] value) {
    if (value == null && missingValue == MissingValue.NO_VALUE) {
      return NO_VALUE;
    }
    FlowEvent skimmed = skimmer != null ? skimmer.read(value) : null;
    if (skimmed != null) {
      return counted(skimmedClassifier.classify(skimmed), skimmed);
    }
    // What the skimmer does not read (another schema version, bad bytes) the codec decodes or names.
    DecodeResult<FlowEvent> decoded = codec.decode(value);
    if (decoded instanceof DecodeResult.Failed<FlowEvent> failed) {
      return new FlowIntakeResult.Undecodable(failed.cause().reason(), failed.detail());
    }
    return count(((DecodeResult.Decoded<FlowEvent>) decoded).record());
  }

  /**
   * The counted flow or the duplicate observation that an already decoded {@code event} is. A
   * skimmed event is reused by the next read, so it is passed on only when whole events are read.
   */
  public FlowIntakeResult count(FlowEvent event) {
    return counted(classifier.classify(event), event);
  }

  private FlowIntakeResult counted(Optional<ClassifiedFlow> classified, FlowEvent event) {
    if (classified.isEmpty()) {
      return FlowIntakeResult.DuplicateObservation.INSTANCE;
    }
    return new FlowIntakeResult.CountedFlow(classified.get(), skimmer == null ? event : null);
  }
}
