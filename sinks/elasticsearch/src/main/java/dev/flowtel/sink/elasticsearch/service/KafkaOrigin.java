package dev.flowtel.sink.elasticsearch.service;

/** Where a document came from: the Kafka record's coordinates and its original bytes, kept for the dead-letter topic. */
public record KafkaOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {}
