package dev.flowtel.flink.input;

import dev.flowtel.core.intake.FlowIntakeResult;

/**
 * A record bound for {@code flowtel.dlq.v1}: the original bytes and why they were set aside.
 * {@code sourcePartition} and {@code sourceOffset} are -1 when the record did not come from Kafka.
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String detail, String sourceTopic,
    int sourcePartition, long sourceOffset, String producer) {

  /** Flows bytes core's intake could not use: its reason and detail, with where the bytes were read. */
  public static DeadLetter undecodable(FlowIntakeResult.Undecodable bad, byte[] key, byte[] value, String topic,
      int partition, long offset, String producer) {
    return new DeadLetter(key, value, bad.reason(), bad.detail(), topic, partition, offset, producer);
  }
}
