package dev.flowtel.streams.input;

import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Dead letters for {@code flowtel.dlq.v1}: the original key and bytes, with the reason, a detail
 * line, this program's name and, when known, the source topic, partition and offset in headers
 * (the same headers the Flink jobs write).
 */
public final class DeadLetters {

  public static final String PRODUCER = "kafka-streams";

  private DeadLetters() {}

  public static <K> Record<byte[], Outbound> of(String dlqTopic, byte[] key, byte[] value, String reason, String detail,
      RecordMetadata source, long timestamp) {
    Headers headers = new RecordHeaders();
    add(headers, DeadLetterHeaders.REASON, reason);
    add(headers, DeadLetterHeaders.DETAIL, detail);
    add(headers, DeadLetterHeaders.PRODUCER, PRODUCER);
    if (source != null) {
      add(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
      add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
      add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    }
    return new Record<>(key, new Outbound(dlqTopic, value), timestamp, headers);
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
  }
}
