package dev.flowtel.streams.input;

/** A record bound for a repartition topic, with the key that partitions it and its encoded value. */
public record ToRepartition(String key, byte[] value) implements Routed {}
