package dev.flowtel.console.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.console.ConsoleServer;
import dev.flowtel.console.ConsoleSettings;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithElasticsearch;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a console told where Kafka is, and an Elasticsearch with nothing in it, when the jobs'
 * transactions put traffic windows on the topic (two revisions of one window, its 1 min rollup
 * beside it, a record that is not ServiceTraffic, and an aborted transaction), then the live map
 * shows each window at its latest committed revision, at the base window size only, under the
 * edge ids the sink gives the same windows in Elasticsearch.
 */
@WithKafka
@WithElasticsearch
@Timeout(180)
class LiveTrafficIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The console's now; the windows are the last ones before it, so the broker keeps them and the horizon holds them. */
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final Instant WINDOW = Instant.ofEpochSecond(NOW.getEpochSecond() / 10 * 10).minusSeconds(40);
  private static final Instant NEXT_WINDOW = WINDOW.plusSeconds(10);

  private final KafkaFixture kafka;
  private final ElasticsearchFixture elasticsearch;
  private final String topic = "it.console.traffic." + UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();
  private EsTestSupport es;
  private ConsoleServer console;

  LiveTrafficIT(KafkaFixture kafka, ElasticsearchFixture elasticsearch) {
    this.kafka = kafka;
    this.elasticsearch = elasticsearch;
  }

  @AfterEach
  void close() {
    if (console != null) {
      console.close();
    }
    if (es != null) {
      es.close();
    }
  }

  @Test
  void theLiveMapShowsTheLatestCommittedRevisionOfEachBaseWindowFromTheTopic() throws Exception {
    es = new EsTestSupport(elasticsearch.url());
    es.setup();
    // Started before the topic exists: the tail waits for its partitions, as it would for a pipeline still starting.
    console = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, es.names, Duration.ofMinutes(5), kafka.bootstrapServers(),
        Clock.fixed(NOW, ZoneOffset.UTC), Map.of(), topic), es.clients.rest(), elasticsearch.url());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }

    ServiceTraffic checkout = allowed(SampleRecords.traffic("frontend", "checkout", WINDOW, 1, 150));
    ServiceTraffic payments = SampleRecords.traffic("cart", "payments", WINDOW, 0, 7);
    WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      send(producer, 0, codec.encode(allowed(SampleRecords.traffic("frontend", "checkout", WINDOW, 0, 100))));
      send(producer, 0, codec.encode(rollup(allowed(SampleRecords.traffic("frontend", "checkout", WINDOW, 0, 10_000)))));
      send(producer, 0, "not a ServiceTraffic".getBytes(StandardCharsets.UTF_8));
      send(producer, 0, codec.encode(checkout));
      send(producer, 1, codec.encode(payments));
      producer.commitTransaction();

      producer.beginTransaction();
      send(producer, 0, codec.encode(allowed(SampleRecords.traffic("frontend", "checkout", WINDOW, 2, 1_000_000))));
      send(producer, 1, codec.encode(SampleRecords.traffic("mallory", "vault", WINDOW, 0, 999)));
      producer.flush();
      producer.abortTransaction();

      // Committed after the aborted ones on both partitions: once these show, the aborted ones were passed over.
      producer.beginTransaction();
      send(producer, 0, codec.encode(allowed(SampleRecords.traffic("frontend", "checkout", NEXT_WINDOW, 0, 50))));
      send(producer, 1, codec.encode(SampleRecords.traffic("cart", "payments", NEXT_WINDOW, 0, 3)));
      producer.commitTransaction();
    }

    JsonNode map = awaitMap("/api/map?range=live", m -> edge(m, TrafficDocuments.edgeId(checkout)).path("flows").asLong() == 8
        && edge(m, TrafficDocuments.edgeId(payments)).path("flows").asLong() == 8);

    assertThat(map.path("windowSeconds").asLong()).as("the base windows, not the rollup").isEqualTo(10);
    assertThat(map.path("edges")).extracting(e -> e.path("id").asText())
        .as("no edge of the aborted transaction").containsExactly(TrafficDocuments.edgeId(checkout), TrafficDocuments.edgeId(payments));
    JsonNode frontend = edge(map, TrafficDocuments.edgeId(checkout));
    // revision 1 of the first window and the next window, both directions (SampleRecords sends 3x back)
    assertThat(frontend.path("bytes").asLong()).isEqualTo(4 * (150 + 50));
    assertThat(frontend.path("name").asText()).isEqualTo("shop/Deployment/frontend -> shop/Service/checkout tcp/8080");
    assertThat(frontend.path("source").asText()).isEqualTo("shop/Deployment/frontend");
    assertThat(frontend.path("target").asText()).isEqualTo("shop/Service/checkout");
    assertThat(frontend.path("port").asInt()).isEqualTo(8080);
    assertThat(frontend.path("protocol").asText()).isEqualTo("tcp");
    assertThat(frontend.path("verdict").asText()).isEqualTo("allowed");
    JsonNode cart = edge(map, TrafficDocuments.edgeId(payments));
    assertThat(cart.path("bytes").asLong()).isEqualTo(4 * (7 + 3));
    assertThat(cart.path("drops").asLong()).isEqualTo(10);
    assertThat(cart.path("verdict").asText()).as("dropped packets").isEqualTo("denied");
    assertThat(map.path("totalEdges").asLong()).isEqualTo(2);
    assertThat(map.path("nodes")).extracting(n -> n.path("id").asText())
        .containsExactlyInAnyOrder("shop/Deployment/frontend", "shop/Service/checkout", "shop/Deployment/cart", "shop/Service/payments");

    assertThat(get("/api/map?range=live&verdict=allowed").path("edges")).extracting(e -> e.path("target").asText())
        .containsExactly("shop/Service/checkout");
    assertThat(get("/api/map?range=live&workload=CART").path("edges")).extracting(e -> e.path("target").asText())
        .containsExactly("shop/Service/payments");
    assertThat(get("/api/map?range=live&port=9090").path("edges")).isEmpty();
    assertThat(get("/api/map?range=live&namespace=bank").path("edges")).isEmpty();
    JsonNode one = get("/api/map?range=live&limit=1&metric=flows");
    assertThat(one.path("shownEdges").asInt()).isEqualTo(1);
    assertThat(one.path("totalEdges").asLong()).isEqualTo(2);

    assertThat(get("/api/map?range=15m").path("edges")).as("Elasticsearch holds none of it").isEmpty();
    JsonNode sources = get("/api/overview").path("sources");
    assertThat(sources.path("kafka").asText()).isEqualTo(kafka.bootstrapServers());
    assertThat(sources.path("live").asText()).isEqualTo("kafka");
    assertThat(sources.path("liveUndecodable").asLong()).as("counted and skipped").isEqualTo(1);

    Instant closing = Instant.now();
    console.close();
    console = null;
    assertThat(Duration.between(closing, Instant.now())).as("the tail stops promptly").isLessThan(Duration.ofSeconds(5));
  }

  private static ServiceTraffic allowed(ServiceTraffic traffic) {
    return ServiceTraffic.newBuilder(traffic).setDrops(0).build();
  }

  /** The 1 min rollup the jobs write beside the base windows it sums. */
  private static ServiceTraffic rollup(ServiceTraffic traffic) {
    return ServiceTraffic.newBuilder(traffic).setWindowEnd(traffic.getWindowStart().plusSeconds(60)).build();
  }

  private KafkaProducer<byte[], byte[]> transactionalProducer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "it-console-" + topic,
        "acks", "all", "enable.idempotence", true), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void send(KafkaProducer<byte[], byte[]> producer, int partition, byte[] value) {
    producer.send(new ProducerRecord<>(topic, partition, "edge".getBytes(StandardCharsets.UTF_8), value));
  }

  /** Asks for the map until it shows the expected state; the timeout is only a safety net. */
  private JsonNode awaitMap(String path, Predicate<JsonNode> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode map = get(path);
    while (!expected.test(map)) {
      assertThat(System.nanoTime()).as("the live map to show the committed windows; last: %s", map).isLessThan(deadline);
      Thread.sleep(100);
      map = get(path);
    }
    return map;
  }

  private static JsonNode edge(JsonNode map, String id) {
    for (JsonNode edge : map.path("edges")) {
      if (edge.path("id").asText().equals(id)) {
        return edge;
      }
    }
    return JSON.missingNode();
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.url().resolve(URI.create(path))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
