package dev.flowtel.console.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the pipeline's topics on the real broker (traffic windows with two revisions, a rollup
 * beside them, a window outside the period, an aborted transaction, a record that is not
 * ServiceTraffic; anomalies in and out of the period; flows to an external address), when the
 * history of a period is read from them, then each edge sums its base windows at their last
 * committed revision, the anomalies open in the period are its spans, and the external edge
 * carries the address its flows went to and the name it was resolved for.
 */
@WithKafka
@Timeout(180)
class TopicHistoryIT {

  private static final Instant START = SampleRecords.WINDOW_START;

  private final KafkaFixture kafka;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String traffic = "it.history.traffic." + run;
  private final String anomalies = "it.history.anomalies." + run;
  private final String flows = "it.history.flows." + run;

  TopicHistoryIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void readsThePeriodsEdgesAnomaliesAndExternalAddressesFromTheTopics() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(traffic, 2, (short) 1), new NewTopic(anomalies, 1, (short) 1),
          new NewTopic(flows, 2, (short) 1))).all().get();
    }
    FlowEvent toSaas = FlowEvent.newBuilder(SampleRecords.flow()).setDirection(Direction.UNKNOWN)
        .setDstAddr(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 7})).setDstPort(443)
        .setDestination(Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setServices(List.of()).setLabels(Map.of())
            .setHostNetwork(false).setNetworkClass(NetworkClass.PUBLIC).setDomain("api.example.com").build())
        .build();
    ServiceEdge saasEdge = new FlowClassifier().classify(toSaas).orElseThrow().edge();
    ServiceTraffic saasWindow = ServiceTraffic.newBuilder(SampleRecords.traffic("frontend", "checkout", START, 0, 10))
        .setSource(saasEdge.source().toAvro()).setDestination(saasEdge.destination().toAvro()).setDestinationPort(443).build();

    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    try (KafkaProducer<byte[], byte[]> producer = transactional("it-history-" + run)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int w = 0; w < 3; w++) {
        send(producer, traffic, w % 2, codec.encode(SampleRecords.traffic("frontend", "checkout", START.plusSeconds(10L * w), 0, 100)));
      }
      // Revision 1 of the first window replaces revision 0; the rollup counts the same flows and must not add.
      send(producer, traffic, 0, codec.encode(SampleRecords.traffic("frontend", "checkout", START, 1, 200)));
      send(producer, traffic, 1, codec.encode(ServiceTraffic.newBuilder(SampleRecords.traffic("frontend", "checkout", START, 0, 9_999))
          .setWindowEnd(START.plusSeconds(60)).build()));
      send(producer, traffic, 1, codec.encode(SampleRecords.traffic("frontend", "checkout", START.plus(Duration.ofHours(3)), 0, 5)));
      send(producer, traffic, 0, "not a ServiceTraffic".getBytes(StandardCharsets.UTF_8));
      send(producer, traffic, 1, codec.encode(saasWindow));
      send(producer, anomalies, 0, anomalyCodec.encode(SampleRecords.anomaly("scan-1", 0, "10.244.1.5")));
      send(producer, anomalies, 0, anomalyCodec.encode(SampleRecords.anomaly("scan-1", 1, "10.244.1.5")));
      send(producer, anomalies, 0, anomalyCodec.encode(PolicyAnomaly.newBuilder(SampleRecords.anomaly("old", 0, "10.244.1.6"))
          .setFirstSeen(START.minus(Duration.ofDays(1))).setLastSeen(START.minus(Duration.ofHours(20))).build()));
      send(producer, flows, 0, WireCodec.of(RecordType.FLOW_EVENT).encode(toSaas));
      producer.commitTransaction();

      producer.beginTransaction();
      send(producer, traffic, 0, codec.encode(SampleRecords.traffic("frontend", "checkout", START, 7, 1_000_000)));
      producer.flush();
      producer.abortTransaction();
    }

    HistoryPeriod period = new HistoryPeriod(START.minusSeconds(60), START.plus(Duration.ofHours(1)));
    TopicHistory.Read read = new TopicHistory(Map.of("bootstrap.servers", kafka.bootstrapServers()), Duration.ofSeconds(60))
        .read(new TopicHistory.Topics(traffic, anomalies, flows), period);

    assertThat(read.windowSize()).isEqualTo(Duration.ofSeconds(10));
    assertThat(read.windows()).as("three checkout windows and the SaaS one; no rollup, none outside, none aborted").isEqualTo(4);
    assertThat(read.undecodable()).isEqualTo(1);
    ObservedEdge checkout = edge(read, "checkout");
    assertThat(checkout.flows()).isEqualTo(3 * 4);
    assertThat(checkout.bytes()).as("revision 1 of the first window, both directions").isEqualTo(4 * (200 + 100 + 100));
    assertThat(checkout.firstSeen()).isEqualTo(START);
    assertThat(checkout.lastSeen()).isEqualTo(START.plusSeconds(30));
    assertThat(checkout.externalAddresses()).isEmpty();
    assertThat(edge(read, "PUBLIC").externalAddresses()).containsExactly(IpAddress.parse("203.0.113.7"));
    assertThat(edge(read, "PUBLIC").externalDomains()).as("the name the collector saw resolved for it")
        .containsExactlyEntriesOf(Map.of(IpAddress.parse("203.0.113.7"), "api.example.com"));
    assertThat(read.anomalies()).singleElement().satisfies(span -> {
      assertThat(span.id()).isEqualTo("scan-1");
      assertThat(span.lastSeen()).as("the last revision").isEqualTo(START.plusSeconds(31));
    });
  }

  private static ObservedEdge edge(TopicHistory.Read read, String destinationName) {
    return read.edges().stream().filter(e -> e.edge().destination().name().equals(destinationName)).findFirst().orElseThrow();
  }

  private KafkaProducer<byte[], byte[]> transactional(String id) {
    return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", id, "acks", "all",
        "enable.idempotence", true), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] value) {
    producer.send(new ProducerRecord<>(topic, partition, "k".getBytes(StandardCharsets.UTF_8), value));
  }
}
