package dev.flowtel.collector.enrich;

/** The controlling owner of an object: {@code ReplicaSet/checkout-7d9f8}, {@code CronJob/nightly}. */
public record OwnerRef(String kind, String name) {}
