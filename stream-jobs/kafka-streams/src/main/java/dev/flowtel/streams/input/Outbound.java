package dev.flowtel.streams.input;

/**
 * A record bound for an output topic, already encoded; the record's key is the Kafka key and its
 * headers travel with it (dead-letter headers). One sink writes every Outbound to its topic.
 */
public record Outbound(String topic, byte[] value) implements Routed {}
