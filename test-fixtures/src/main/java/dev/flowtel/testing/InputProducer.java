package dev.flowtel.testing;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer ITs write their input with: acks=all, idempotent, and one request in flight per
 * connection. With five in flight, a first batch refused with NOT_LEADER_OR_FOLLOWER (a new
 * partition whose leader the broker is still taking on, even once its metadata names one) left the
 * later batches looping on OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout expired them
 * (seen twice in CI). One in flight keeps the order and lets the refused batch simply go again.
 */
public final class InputProducer {

  private InputProducer() {}

  public static KafkaProducer<byte[], byte[]> create(String bootstrap) {
    return new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true,
        "max.in.flight.requests.per.connection", 1, "linger.ms", 10, "batch.size", 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer());
  }
}
