package dev.flowtel.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.streams.ScriptedDns;
import dev.flowtel.streams.testing.FinalRevisions;
import dev.flowtel.streams.testing.AppProgress;
import dev.flowtel.streams.testing.AppTopics;
import dev.flowtel.streams.testing.ClockFlow;
import dev.flowtel.streams.testing.SimulatedInput;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given six minutes of simulated traffic with a port scan, its cluster state, a poison record, and a
 * clock flow that takes event time past the last window, on the topics of a real broker, when the
 * application runs on it (exactly_once_v2, RocksDB stores, the HTTP server on a free port) and has
 * committed all its input, then a read_committed consumer sees the same ServiceTraffic and
 * PolicyAnomaly records at their final revisions as the TopologyTestDriver run of the same input,
 * the poison record sits in the DLQ with its provenance, DNS transactions of one pod become one
 * committed DnsActivity row (and a DNS poison record a dead letter), and the HTTP endpoints answer from the
 * stores: /health is UP, /metrics counts the flows, /edges/top lists the latest window's top edges
 * by bytes, /anomalies/open the anomalies found.
 */
@WithKafka
@Timeout(900) // a safety net: on a busy 2-core machine this test takes 2.5x its idle ~140 s
class FlowtelStreamsAppIT {

  private static final dev.flowtel.schema.Endpoint DNS_CLIENT = dev.flowtel.schema.Endpoint.newBuilder()
      .setKind(dev.flowtel.schema.EndpointKind.POD).setNamespace("shop").setPod("cart-5c7d-aaaaa").setWorkloadKind("Deployment")
      .setWorkloadName("cart").setNode("node-a").setNetworkClass(dev.flowtel.schema.NetworkClass.POD).build();
  private static final byte[] DNS_CLIENT_IP = {10, (byte) 244, 1, 21};

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theAppOnARealBrokerWritesWhatTheTestDriverComputesAndAnswersQueries(KafkaFixture kafka) throws Exception {
    AppTopics topics = AppTopics.create(kafka.bootstrapServers(), "it", 1);
    String flows = topics.flows();
    String state = topics.state();
    String traffic = topics.traffic();
    String anomalies = topics.anomalies();
    String dlq = topics.dlq();

    Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    SimulatedInput input = SimulatedInput.of(SimulatorSettings.defaults().withSeed(77).withFlowsPerSecond(20)
        .withDuration(Duration.ofMinutes(6)).withStart(start)
        .withEpisodes(List.of(new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(2), Duration.ofMinutes(1), null))));
    input.flows.add(100, new byte[][] {"poison".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x01, 9}});
    String[] detection = {"--learning-period", "1m", "--window", "10s", "--rollup", "1m"};
    // Event time runs on to every last result on the records alone, not on the wall clock (--idleness 1h).
    input.appendClockFlow(detection);
    List<byte[][]> flowRecords = input.flows;
    input.produceState(kafka.bootstrapServers(), state);
    input.produceFlows(kafka.bootstrapServers(), flows, 0, flowRecords.size());
    // DNS: twelve queries of one pod in its first minute (ten answered, two not), a poison record, and a
    // query five minutes on that takes the DNS topic's event time past that minute.
    List<DnsTransaction> dnsInput = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      dnsInput.add(ScriptedDns.query(DNS_CLIENT, DNS_CLIENT_IP, start.plusSeconds(1 + i), "api.example.com",
          i < 10 ? Integer.valueOf(0) : null, i < 10 ? 800L : null));
    }
    dnsInput.add(ScriptedDns.query(DNS_CLIENT, DNS_CLIENT_IP, start.plusSeconds(300), "api.example.com", 0, 800L));
    try (var producer = new KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < dnsInput.size(); i++) {
        if (i == 5) {
          producer.send(new ProducerRecord<>(topics.dns(), 0, "poison".getBytes(StandardCharsets.UTF_8), new byte[] {7}));
        }
        producer.send(new ProducerRecord<>(topics.dns(), 0, ScriptedDns.key(dnsInput.get(i)), ScriptedDns.encode(dnsInput.get(i))));
      }
    }

    // What the TopologyTestDriver computes for the same input, worked out while the app runs.
    CompletableFuture<SimulatedInput.Expected> expectedMeanwhile = input.expectedMeanwhile(detection);

    List<String> options = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--application-id",
        "it-" + topics.run(), "--state-dir", Files.createTempDirectory("flowtel-streams-it").toString(),
        "--http-port", "0", "--http-host", "127.0.0.1", "--commit-interval", "500ms", "--idleness", "1h"));
    options.addAll(topics.options());
    options.addAll(List.of(detection));
    StreamsAppConfig config = StreamsAppConfig.parse(options.toArray(String[]::new));
    try (FlowtelStreamsApp app = FlowtelStreamsApp.start(config)) {
      assertThat(app.awaitRunning(Duration.ofSeconds(300))).as("app running").isTrue();
      String base = "http://127.0.0.1:" + app.httpPort();
      // Every input record processed and committed, so every result of it committed, and none to come.
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), "it-" + topics.run(), flows, Duration.ofSeconds(600));
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), "it-" + topics.run(), topics.dns(), Duration.ofSeconds(600));
      SimulatedInput.Expected expected = expectedMeanwhile.get(180, TimeUnit.SECONDS);
      List<ServiceTraffic> expectedTraffic = expected.traffic();
      List<PolicyAnomaly> expectedAnomalies = expected.anomalies();
      assertThat(expectedAnomalies).extracting(a -> a.getType().name()).contains("PORT_SCAN");
      List<ConsumerRecord<byte[], byte[]>> trafficRecords = SimulatedInput.readCommitted(kafka.bootstrapServers(), traffic,
          Duration.ofSeconds(60));
      WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
      List<ServiceTraffic> actualTraffic = trafficRecords.stream().map(r -> trafficCodec.decode(r.value()).orElseThrow()).toList();
      assertThat(FinalRevisions.traffic(actualTraffic)).isEqualTo(FinalRevisions.traffic(expectedTraffic));
      assertThat(trafficRecords).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
          .isEqualTo(TrafficWindows.recordKey(trafficCodec.decode(r.value()).orElseThrow())));

      WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
      List<PolicyAnomaly> actualAnomalies = SimulatedInput.readCommitted(kafka.bootstrapServers(), anomalies, Duration.ofSeconds(60))
          .stream().map(r -> anomalyCodec.decode(r.value()).orElseThrow()).toList();
      assertThat(FinalRevisions.anomalies(actualAnomalies)).isEqualTo(FinalRevisions.anomalies(expectedAnomalies));

      List<ConsumerRecord<byte[], byte[]>> deadLetters = SimulatedInput.readCommitted(kafka.bootstrapServers(), dlq,
          Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> dead = deadLetters.stream()
          .filter(r -> flows.equals(header(r, DeadLetterHeaders.SOURCE_TOPIC))).toList();
      assertThat(dead).hasSize(1);
      assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("truncated");
      assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(flows);
      assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("100");
      assertThat(dead.get(0).value()).isEqualTo(new byte[] {(byte) 0xC3, 0x01, 9});

      // The DNS poison record dead-lettered with its provenance; the first minute's DnsActivity committed, exactly once.
      assertThat(deadLetters).hasSize(2).anySatisfy(r -> {
        assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.dns());
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("not-single-object");
        assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("5");
      });
      WireCodec<DnsActivity> activityCodec = WireCodec.of(RecordType.DNS_ACTIVITY);
      List<ConsumerRecord<byte[], byte[]>> activity = SimulatedInput.readCommitted(kafka.bootstrapServers(), topics.dnsActivity(),
          Duration.ofSeconds(60));
      assertThat(activity).singleElement().satisfies(r -> {
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("shop/Deployment/cart|api.example.com");
        DnsActivity a = activityCodec.decode(r.value()).orElseThrow();
        assertThat(a.getWindowStart()).isEqualTo(start);
        assertThat(List.of(a.getQueries(), a.getNoError(), a.getUnanswered())).containsExactly(12L, 10L, 2L);
        assertThat(a.getLatencyMaxMicros()).isEqualTo(800L);
        assertThat(a.getRevision()).isZero();
      });

      HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("UP");

      String metrics = get(base + "/metrics").body();
      assertThat(metrics).contains("flowtel_streams_flows_in_total " + flowRecords.size());
      assertThat(metrics).contains("flowtel_streams_undecodable_total 1");
      assertThat(metrics).contains("flowtel_streams_dns_in_total " + (dnsInput.size() + 1), "flowtel_streams_dns_undecodable_total 1",
          "flowtel_streams_dns_activity_records_total 1");
      assertThat(metrics).contains("kafka_stream_thread_process_total");
      // Each first revision on the topic was measured once, when produced (no transaction was aborted in this run).
      assertThat(metrics).contains("# TYPE flowtel_streams_evidence_to_produced_seconds histogram\n",
          "flowtel_streams_evidence_to_produced_seconds_count{kind=\"traffic\"} "
              + actualTraffic.stream().filter(t -> t.getRevision() == 0).count() + "\n",
          "flowtel_streams_evidence_to_produced_seconds_count{kind=\"anomaly\"} "
              + actualAnomalies.stream().filter(a -> a.getRevision() == 0).count() + "\n");

      List<ServiceTraffic> finalBase = FinalRevisions.traffic(expectedTraffic).values().stream()
          .filter(t -> t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() == 10_000).toList();
      Instant latest = finalBase.stream().map(ServiceTraffic::getWindowStart).max(Comparator.naturalOrder()).orElseThrow();
      List<String> expectedTop = finalBase.stream().filter(t -> t.getWindowStart().equals(latest))
          .sorted(Comparator.comparingLong((ServiceTraffic t) -> t.getBytesToDestination() + t.getBytesToSource()).reversed()
              .thenComparing(TrafficWindows::edgeKey))
          .limit(3).map(TrafficWindows::edgeKey).toList();
      JsonNode top = json.readTree(get(base + "/edges/top?n=3&window=latest").body());
      assertThat(top.get("windowStart").asText()).isEqualTo(latest.toString());
      List<String> edges = new ArrayList<>();
      top.get("edges").forEach(e -> edges.add(e.get("edge").asText()));
      assertThat(edges).isEqualTo(expectedTop);
      JsonNode same = json.readTree(get(base + "/edges/top?n=3&window=" + latest.plusSeconds(5)).body());
      assertThat(same.get("edges")).isEqualTo(top.get("edges"));

      JsonNode open = json.readTree(get(base + "/anomalies/open").body());
      Set<String> openIds = new java.util.TreeSet<>();
      open.forEach(a -> openIds.add(a.get("id").asText()));
      // An anomaly closes once the watermark passes its last evidence by the cooldown (5 min), and the
      // watermark moves on wall-clock punctuations: one whose cooldown ends before the last flow's end
      // may or may not be closed when the query comes. Every open one was found, and every one that
      // cannot have closed yet (the watermark never passes the last flow) is open.
      Instant lastFlowEnd = flowRecords.stream().map(f -> ClockFlow.endOf(f[1])).filter(java.util.Objects::nonNull)
          .max(Comparator.naturalOrder()).orElseThrow();
      Set<String> cannotHaveClosed = actualAnomalies.stream()
          .filter(a -> !a.getLastSeen().plus(Duration.ofMinutes(5)).isBefore(lastFlowEnd))
          .map(PolicyAnomaly::getId).collect(Collectors.toCollection(java.util.TreeSet::new));
      assertThat(openIds).isNotEmpty();
      assertThat(actualAnomalies.stream().map(PolicyAnomaly::getId).toList()).containsAll(openIds);
      assertThat(openIds).containsAll(cannotHaveClosed);
      assertThat(get(base + "/edges/top?n=x").statusCode()).isEqualTo(400);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
