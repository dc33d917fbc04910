package dev.flowtel.flink.kafka;

import dev.flowtel.flink.input.DeadLetter;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** A dead letter to {@code flowtel.dlq.v1}: original key and bytes, the reason and provenance in headers. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;
  private final String topic;

  public DeadLetterRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    List<Header> headers = new ArrayList<>();
    headers.add(header(DeadLetterHeaders.REASON, letter.reason()));
    headers.add(header(DeadLetterHeaders.DETAIL, letter.detail()));
    headers.add(header(DeadLetterHeaders.PRODUCER, letter.producer()));
    if (letter.sourceTopic() != null) {
      headers.add(header(DeadLetterHeaders.SOURCE_TOPIC, letter.sourceTopic()));
      headers.add(header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(letter.sourcePartition())));
      headers.add(header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(letter.sourceOffset())));
    }
    return new ProducerRecord<>(topic, null, null, letter.key(), letter.value(), headers);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
  }
}
