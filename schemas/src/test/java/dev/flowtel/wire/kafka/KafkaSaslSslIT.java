package dev.flowtel.wire.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.localstack.KafkaBroker;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.testing.SharedServers;
import dev.flowtel.wire.AvroClassTrust;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.SchemaCatalog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a broker that only trusts SASL_SSL clients with a certificate from a CA this test makes,
 * when a program reads its client settings through --kafka-properties, then it produces and
 * consumes Flowtel records; with a wrong password it is refused.
 */
@Timeout(180)
class KafkaSaslSslIT {

  private static final String PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());
  private static Path dir;
  private static KafkaBroker broker;
  private static int saslPort;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    dir = SharedServers.scratch("kafka-sasl-ssl");
    Files.createDirectories(dir);
    TestCertificateAuthority.create(dir, PASSWORD);
    saslPort = LocalPorts.free();
    broker = KafkaBroker.start(KafkaBroker.Settings.in(dir.resolve("broker")).withSaslSsl(new KafkaBroker.SaslSslListener(
        saslPort, dir.resolve("broker.p12"), PASSWORD, Map.of("flowtel", "s3cret-flowtel"))));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  void aClientConfiguredOnlyByItsPropertiesFileProducesAndConsumesOverSaslSsl() throws Exception {
    Path properties = clientProperties("s3cret-flowtel");
    Map<String, Object> settings = KafkaClientProperties.load("127.0.0.1:" + saslPort, properties);
    assertThat(settings).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");

    AvroClassTrust.install(); // the builder below resolves the generated enums before any codec would install it
    FlowEvent flow = FlowEvent.newBuilder()
        .setFlowStart(Instant.parse("2026-11-26T10:00:00Z")).setFlowEnd(Instant.parse("2026-11-26T10:00:01Z"))
        .setNode("node-a").setDirection(Direction.EGRESS).setIpVersion(6)
        .setSrcAddr(ByteBuffer.wrap(new byte[16])).setDstAddr(ByteBuffer.wrap(new byte[16]))
        .setSrcPort(50_000).setDstPort(443).setProtocol(6).setBytes(1_500).setPackets(3).build();
    String topic = "flowtel.flows.v1.sasl";
    Map<String, Object> producerSettings = new HashMap<>(settings);
    producerSettings.put("acks", "all");
    try (var producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new WireSerializer<>(RecordType.FLOW_EVENT))) {
      producer.send(new ProducerRecord<>(topic, "edge", flow)).get(60, TimeUnit.SECONDS);
    }
    Map<String, Object> consumerSettings = new HashMap<>(settings);
    consumerSettings.put("group.id", "sasl-it");
    consumerSettings.put("auto.offset.reset", "earliest");
    List<DecodeResult<FlowEvent>> received = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(), new WireDeserializer<>(RecordType.FLOW_EVENT))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
      }
    }
    int written = SchemaCatalog.published().versions(RecordType.FLOW_EVENT.name()).size();
    assertThat(received).containsExactly(new DecodeResult.Decoded<>(flow, written));
  }

  @Test
  void aWrongPasswordIsRefusedByTheBroker() throws IOException {
    Map<String, Object> settings = new HashMap<>(KafkaClientProperties.load("127.0.0.1:" + saslPort, clientProperties("wrong")));
    settings.put("max.block.ms", 20_000);
    try (var producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("flowtel.flows.v1.sasl", "k", "v")).get(30, TimeUnit.SECONDS))
          .satisfiesAnyOf(
              e -> assertThat(e).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class),
              e -> assertThat(e).isInstanceOf(SaslAuthenticationException.class));
    }
  }

  private static Path clientProperties(String password) throws IOException {
    Path file = dir.resolve("client-" + password + ".properties");
    Files.writeString(file, String.join("\n",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=PLAIN",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"flowtel\" password=\"" + password + "\";",
        "ssl.truststore.location=" + dir.resolve("truststore.p12"),
        "ssl.truststore.password=" + PASSWORD,
        "ssl.truststore.type=PKCS12",
        ""));
    return file;
  }
}
