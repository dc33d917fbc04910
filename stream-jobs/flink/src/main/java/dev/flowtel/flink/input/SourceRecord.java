package dev.flowtel.flink.input;

import dev.flowtel.core.edge.ClassifiedFlow;

/**
 * What the source hands the job for one Kafka record: a classified flow with its original bytes
 * (kept only until the lateness check, so a late flow reaches the DLQ unchanged), or a dead letter.
 */
public record SourceRecord(ClassifiedFlow flow, byte[] original, DeadLetter deadLetter) implements FlowWatermarks.EventTimed {

  public static SourceRecord of(ClassifiedFlow flow, byte[] original) {
    return new SourceRecord(flow, original, null);
  }

  public static SourceRecord dead(DeadLetter deadLetter) {
    return new SourceRecord(null, null, deadLetter);
  }

  /** Event time for watermarks; dead letters must not move them. */
  @Override
  public long eventTimeOr(long fallback) {
    return flow != null ? flow.eventTimeMillis() : fallback;
  }
}
