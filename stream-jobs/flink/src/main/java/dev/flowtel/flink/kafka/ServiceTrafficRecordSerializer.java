package dev.flowtel.flink.kafka;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * ServiceTraffic to its topic, keyed {@code <edge key>@<window start ms>/<window ms>}: revisions of
 * one window share a key, so a compacting consumer keeps the newest.
 */
public final class ServiceTrafficRecordSerializer implements KafkaRecordSerializationSchema<ServiceTraffic> {

  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient WireCodec<ServiceTraffic> codec;

  public ServiceTrafficRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(ServiceTraffic traffic, KafkaSinkContext context, Long timestamp) {
    if (codec == null) {
      codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    }
    return new ProducerRecord<>(topic, null, traffic.getWindowEnd().toEpochMilli(),
        key(traffic).getBytes(StandardCharsets.UTF_8), codec.encode(traffic));
  }

  public static String key(ServiceTraffic t) {
    return TrafficWindows.recordKey(t);
  }

  static String edgeKey(ServiceTraffic t) {
    return TrafficWindows.edgeKey(t);
  }
}
