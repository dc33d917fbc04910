package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.kafka.WireDeserializer;
import dev.flowtel.wire.kafka.WireSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every record type travels through a real broker in single-object encoding and comes back equal. */
@WithKafka
@Timeout(120)
class WireFormatKafkaIT {

  private final KafkaFixture kafka;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  WireFormatKafkaIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void everyRecordTypeRoundTripsThroughTheBroker() {
    assertThroughBroker(RecordType.FLOW_EVENT, List.of(SampleRecords.flow(40_001), SampleRecords.flow(40_002)));
    assertThroughBroker(RecordType.CLUSTER_STATE, List.of(SampleRecords.namespace(), SampleRecords.networkPolicy()));
    assertThroughBroker(RecordType.SERVICE_TRAFFIC, List.of(SampleRecords.serviceTraffic()));
    assertThroughBroker(RecordType.POLICY_ANOMALY, List.of(SampleRecords.anomaly()));
  }

  @Test
  void poisonRecordsBecomeTypedFailuresAndTheConsumerKeepsGoing() {
    String topic = FlowtelTopics.FLOWS + "." + run + ".poison";
    byte[] good = WireCodec.of(RecordType.FLOW_EVENT).encode(SampleRecords.flow(1));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    byte[] traffic = WireCodec.of(RecordType.SERVICE_TRAFFIC).encode(SampleRecords.serviceTraffic());
    try (var producer = new KafkaProducer<String, byte[]>(producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
      for (byte[] value : List.of("not avro".getBytes(), truncated, traffic, good)) {
        producer.send(new ProducerRecord<>(topic, 0, "edge", value));
      }
      producer.flush();
    }
    List<DecodeResult<FlowEvent>> results = consume(topic, new WireDeserializer<>(RecordType.FLOW_EVENT), 4)
        .stream().map(ConsumerRecord::value).toList();
    assertThat(results).extracting(r -> r instanceof DecodeResult.Failed<FlowEvent> f ? f.cause() : "decoded")
        .containsExactly(FailureCause.NOT_SINGLE_OBJECT, FailureCause.TRUNCATED, FailureCause.WRONG_RECORD_TYPE, "decoded");
    assertThat(results.get(3).orElseThrow()).isEqualTo(SampleRecords.flow(1));
  }

  @Test
  void aTombstoneOnTheClusterStateTopicStaysNull() {
    String topic = FlowtelTopics.CLUSTER_STATE + "." + run + ".tombstone";
    try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new WireSerializer<>(RecordType.CLUSTER_STATE))) {
      producer.send(new ProducerRecord<>(topic, 0, "Namespace/shop", SampleRecords.namespace()));
      producer.send(new ProducerRecord<>(topic, 0, "Namespace/shop", null));
      producer.flush();
    }
    List<ConsumerRecord<String, DecodeResult<ClusterState>>> records =
        consume(topic, new WireDeserializer<>(RecordType.CLUSTER_STATE), 2);
    assertThat(records.get(0).value().orElseThrow()).isEqualTo(SampleRecords.namespace());
    assertThat(records.get(1).value()).isNull();
  }

  private <T extends SpecificRecordBase> void assertThroughBroker(RecordType<T> type, List<T> records) {
    String topic = topicOf(type) + "." + run;
    try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new WireSerializer<>(type))) {
      for (T record : records) {
        producer.send(new ProducerRecord<>(topic, 0, type.name(), record));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, byte[]>> raw = consume(topic, new ByteArrayDeserializer(), records.size());
    assertThat(raw).allSatisfy(r -> {
      assertThat(r.value()[0]).isEqualTo((byte) 0xC3);
      assertThat(r.value()[1]).isEqualTo((byte) 0x01);
    });
    List<T> decoded = consume(topic, new WireDeserializer<>(type), records.size()).stream()
        .map(r -> r.value().orElseThrow()).toList();
    assertThat(decoded).as("%s through %s", type.name(), topic).containsExactlyElementsOf(records);
  }

  private static String topicOf(RecordType<?> type) {
    if (type == RecordType.FLOW_EVENT) {
      return FlowtelTopics.FLOWS;
    } else if (type == RecordType.CLUSTER_STATE) {
      return FlowtelTopics.CLUSTER_STATE;
    } else if (type == RecordType.SERVICE_TRAFFIC) {
      return FlowtelTopics.SERVICE_TRAFFIC;
    }
    return FlowtelTopics.ANOMALIES;
  }

  private Map<String, Object> producerConfig() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "enable.idempotence", true);
  }

  private <V> List<ConsumerRecord<String, V>> consume(String topic, org.apache.kafka.common.serialization.Deserializer<V> values, int expected) {
    Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest", "isolation.level", "read_committed");
    List<ConsumerRecord<String, V>> received = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }
    assertThat(received).as("records consumed from %s", topic).hasSize(expected);
    return received;
  }
}
