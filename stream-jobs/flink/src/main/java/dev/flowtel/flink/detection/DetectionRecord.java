package dev.flowtel.flink.detection;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.flink.input.FlowWatermarks;

/** What the flows source hands the detection job for one Kafka record: a counted flow, or a dead letter. */
public record DetectionRecord(ObservedFlow flow, DeadLetter deadLetter) implements FlowWatermarks.EventTimed {

  public static DetectionRecord of(ObservedFlow flow) {
    return new DetectionRecord(flow, null);
  }

  public static DetectionRecord dead(DeadLetter deadLetter) {
    return new DetectionRecord(null, deadLetter);
  }

  /** Event time for watermarks; dead letters must not move them. */
  @Override
  public long eventTimeOr(long fallback) {
    return flow != null ? flow.flowEndMillis() : fallback;
  }
}
