package dev.flowtel.flink.input;

/**
 * A record bound for {@code flowtel.dlq.v1}: the original bytes and why they were set aside.
 * {@code sourcePartition} and {@code sourceOffset} are -1 when the record did not come from Kafka.
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String detail, String sourceTopic,
    int sourcePartition, long sourceOffset, String producer) {}
