package dev.flowtel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What ITs write their input with: acks=all, idempotent, and one request in flight per connection.
 * With five in flight, a first batch refused with NOT_LEADER_OR_FOLLOWER (a new partition whose
 * leader the broker is still taking on, even once its metadata names one) left the later batches
 * looping on OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout expired them (seen twice in
 * CI). One in flight keeps the order and lets the refused batch simply go again. {@link #flush}
 * and {@link #close} check every record sent: KafkaProducer.flush alone does not report a batch
 * that expired, and an IT would then run on part of its input.
 */
public final class InputProducer implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final List<Future<RecordMetadata>> acks = new ArrayList<>();

  private InputProducer(KafkaProducer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  public static InputProducer create(String bootstrap) {
    return new InputProducer(new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all",
        "enable.idempotence", true, "max.in.flight.requests.per.connection", 1, "linger.ms", 10, "batch.size", 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer()));
  }

  public void send(ProducerRecord<byte[], byte[]> record) {
    acks.add(producer.send(record));
  }

  /** Returns once every record sent so far is on the broker; throws, with the cause, if one is not. */
  public void flush() {
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException("the test input was not written: " + e.getMessage(), e);
      }
    }
    acks.clear();
  }

  /** Flushes (with its check), then closes the producer. */
  @Override
  public void close() {
    try {
      flush();
    } finally {
      producer.close();
    }
  }
}
