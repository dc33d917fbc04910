package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.sink.elasticsearch.metrics.SinkLatency;

/**
 * Where a document came from: the Kafka record's coordinates and its original bytes, kept for the
 * dead-letter topic, and, for records whose latency is measured, when their evidence ended (null
 * for the others).
 */
public record KafkaOrigin(String topic, int partition, long offset, byte[] key, byte[] value, SinkLatency.Measured measured) {

  public KafkaOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {
    this(topic, partition, offset, key, value, null);
  }

  public KafkaOrigin withMeasured(SinkLatency.Measured newMeasured) {
    return new KafkaOrigin(topic, partition, offset, key, value, newMeasured);
  }
}
