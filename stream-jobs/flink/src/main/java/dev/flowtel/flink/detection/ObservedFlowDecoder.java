package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.ObservedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.Optional;

/**
 * Decodes a flows-topic record for detection: the counted flow with what detectors and policy
 * evaluation need (endpoints, 5-tuple, flags, verdict), a dead letter naming why the bytes are
 * unusable, or nothing for an observation that duplicates another. One per source reader.
 */
public final class ObservedFlowDecoder {

  public static final String PRODUCER = "flink-policy-anomaly";

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final FlowClassifier classifier = new FlowClassifier();

  public Optional<DetectionRecord> decode(byte[] key, byte[] value, String topic, int partition, long offset) {
    DecodeResult<FlowEvent> result = codec.decode(value);
    if (result instanceof DecodeResult.Failed<FlowEvent> failed) {
      return Optional.of(DetectionRecord.dead(new DeadLetter(key, value, failed.cause().reason(), failed.detail(), topic,
          partition, offset, PRODUCER)));
    }
    return observe(((DecodeResult.Decoded<FlowEvent>) result).record());
  }

  /** The counted flow of a decoded event, or empty for a duplicate observation. */
  public Optional<DetectionRecord> observe(FlowEvent flow) {
    return ObservedFlow.of(flow, classifier).map(DetectionRecord::of);
  }
}
