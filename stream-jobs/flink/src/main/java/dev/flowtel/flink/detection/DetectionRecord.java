package dev.flowtel.flink.detection;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.flink.input.DeadLetter;

/** What the flows source hands the detection job for one Kafka record: a counted flow, or a dead letter. */
public record DetectionRecord(ObservedFlow flow, DeadLetter deadLetter) {

  public static DetectionRecord of(ObservedFlow flow) {
    return new DetectionRecord(flow, null);
  }

  public static DetectionRecord dead(DeadLetter deadLetter) {
    return new DetectionRecord(null, deadLetter);
  }

  /** Event time for watermarks; dead letters must not move them. */
  public long eventTimeOr(long fallback) {
    return flow != null ? flow.flowEndMillis() : fallback;
  }
}
