package dev.flowtel.flink.testing;

import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topic chores of the Flink ITs against the real broker. */
public final class KafkaTopics {

  private final String bootstrap;

  public KafkaTopics(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  public void create(int partitions, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        // Window results carry event-time timestamps from the scripted past: keep them.
        topics.add(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Sends each value to partition {@code partitionOf.apply(index)}, in order. */
  public void produce(String topic, List<byte[]> values, java.util.function.IntUnaryOperator partitionOf) throws Exception {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all",
        "enable.idempotence", true, "linger.ms", 5), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, partitionOf.applyAsInt(i), null, values.get(i)));
      }
      producer.flush();
    }
  }

  /** Everything committed in the topic, read with read_committed until {@code quiet} passes with nothing new. */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Duration quiet) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "group.id", "it-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long lastNew = System.nanoTime();
      while (System.nanoTime() - lastNew < quiet.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          lastNew = System.nanoTime();
        }
      }
    }
    return records;
  }

  public static List<ServiceTraffic> decodeTraffic(List<ConsumerRecord<byte[], byte[]>> records) {
    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    return records.stream().map(r -> codec.decode(r.value()).orElseThrow()).toList();
  }
}
