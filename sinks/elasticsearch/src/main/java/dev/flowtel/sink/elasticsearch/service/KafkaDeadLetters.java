package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.writer.RejectedDocumentHandler;
import dev.flowtel.sink.elasticsearch.writer.Rejection;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends records the sink cannot index to the dead-letter topic: the original key and value,
 * unchanged, with the reason and the source coordinates in {@link DeadLetterHeaders}. Sends are
 * asynchronous; {@link #flush()} waits for them and fails if any failed, and the service calls it
 * before committing offsets, so a record is never committed before its dead letter is stored.
 */
public final class KafkaDeadLetters implements RejectedDocumentHandler<KafkaOrigin> {

  /** The {@link DeadLetterHeaders#PRODUCER} value of this program. */
  public static final String PRODUCER = "es-sink";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

  public KafkaDeadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  @Override
  public void rejected(IndexDocument document, KafkaOrigin origin, Rejection rejection) {
    send(origin, rejection.reason(), rejection.describe());
  }

  /** Dead-letters one record with {@code reason} (e.g. {@code unknown-fingerprint}) and a one-line {@code detail}. */
  public void send(KafkaOrigin origin, String reason, String detail) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeadLetterHeaders.REASON, utf8(reason));
    headers.add(DeadLetterHeaders.DETAIL, utf8(detail));
    headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(origin.topic()));
    headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(origin.partition())));
    headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(origin.offset())));
    headers.add(DeadLetterHeaders.PRODUCER, utf8(PRODUCER));
    producer.send(new ProducerRecord<>(topic, null, origin.key(), origin.value(), headers), (metadata, e) -> {
      if (e != null) {
        sendFailure.compareAndSet(null, e);
      }
    });
  }

  /** Waits for every dead letter sent so far; throws if one could not be stored. */
  public void flush() {
    producer.flush();
    Exception e = sendFailure.get();
    if (e != null) {
      throw new IllegalStateException("cannot write to the dead-letter topic " + topic + ": " + e.getMessage(), e);
    }
  }

  private static byte[] utf8(String value) {
    return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
  }
}
