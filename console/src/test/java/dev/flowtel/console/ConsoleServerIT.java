package dev.flowtel.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.Severity;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given traffic windows (10 s, and their 1 min rollups beside them) and anomalies as the sink
 * writes them to a real Elasticsearch, when the console's API is asked for the map, an edge and the
 * anomalies, then the sums are exact (never the windows and the rollups together), edges carry the
 * verdict and open anomalies the detection found, and filters narrow what is sent.
 */
@WithElasticsearch
@Timeout(180)
class ConsoleServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The console's now: ten minutes after the first window, so the 15 min range holds them all. */
  private static final Instant NOW = SampleRecords.WINDOW_START.plus(Duration.ofMinutes(10));
  private static final int WINDOWS = 6;

  private final ElasticsearchFixture elasticsearch;
  private EsTestSupport es;
  private ConsoleServer console;
  private final HttpClient http = HttpClient.newHttpClient();

  ConsoleServerIT(ElasticsearchFixture elasticsearch) {
    this.elasticsearch = elasticsearch;
  }

  @BeforeEach
  void fill() {
    es = new EsTestSupport(elasticsearch.url());
    es.setup();
    TrafficDocuments traffic = new TrafficDocuments(es.names);
    AnomalyDocuments anomalies = new AnomalyDocuments(es.names);
    List<IndexDocument> documents = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      Instant start = SampleRecords.WINDOW_START.plusSeconds(10L * w);
      documents.add(traffic.build(window("frontend", "checkout", start, 10, 100L * (w + 1), 0)));
      documents.add(traffic.build(window("cart", "payments", start, 10, 7, w == 2 ? 3 : 0)));
    }
    // The rollup of the same minute: the same sums, one document per edge.
    documents.add(traffic.build(window("frontend", "checkout", SampleRecords.WINDOW_START, 60, 100L * 21, 0)));
    documents.add(traffic.build(window("cart", "payments", SampleRecords.WINDOW_START, 60, 7L * WINDOWS, 3)));
    documents.add(anomalies.build(violation()));
    documents.add(anomalies.build(SampleRecords.anomaly("scan-1", 2, "10.0.0.9")));
    es.index(documents);
    console = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, es.names, Duration.ofMinutes(5), null,
        Clock.fixed(NOW, ZoneOffset.UTC)), es.clients.rest(), elasticsearch.url());
  }

  @AfterEach
  void close() {
    if (console != null) {
      console.close();
    }
    es.close();
  }

  @Test
  void theMapSumsOneWindowSizeAndColoursEdgesByTheDetectionsVerdict() throws Exception {
    JsonNode map = get("/api/map?range=15m");
    assertThat(map.path("windowSeconds").asLong()).isEqualTo(10);
    assertThat(map.path("shownEdges").asInt()).isEqualTo(2);
    JsonNode checkout = edgeTo(map, "shop/Service/checkout");
    // bytes to the destination plus 3x back (SampleRecords), over windows of 100..600
    assertThat(checkout.path("bytes").asLong()).isEqualTo(4 * 100L * 21);
    assertThat(checkout.path("flows").asLong()).isEqualTo(4L * WINDOWS);
    assertThat(checkout.path("verdict").asText()).isEqualTo("violation");
    assertThat(checkout.path("openAnomalies").asInt()).isEqualTo(1);
    JsonNode payments = edgeTo(map, "shop/Service/payments");
    assertThat(payments.path("verdict").asText()).isEqualTo("denied");
    assertThat(payments.path("drops").asLong()).isEqualTo(3);
    assertThat(map.path("edges").get(0).path("bytes").asLong()).as("heaviest first").isEqualTo(4 * 100L * 21);
    assertThat(map.path("nodes")).extracting(n -> n.path("id").asText())
        .containsExactlyInAnyOrder("shop/Deployment/frontend", "shop/Service/checkout", "shop/Deployment/cart", "shop/Service/payments");

    JsonNode hour = get("/api/map?range=1h");
    assertThat(hour.path("windowSeconds").asLong()).as("an hour reads the rollups").isEqualTo(60);
    assertThat(edgeTo(hour, "shop/Service/checkout").path("bytes").asLong()).as("the same total from the rollups")
        .isEqualTo(4 * 100L * 21);

    assertThat(get("/api/map?range=15m&verdict=violation").path("edges")).extracting(e -> e.path("target").asText())
        .containsExactly("shop/Service/checkout");
    assertThat(get("/api/map?range=15m&verdict=allowed").path("edges")).isEmpty();
    assertThat(get("/api/map?range=15m&workload=CART").path("edges")).extracting(e -> e.path("target").asText())
        .containsExactly("shop/Service/payments");
    assertThat(get("/api/map?range=15m&namespace=bank").path("edges")).isEmpty();
    JsonNode one = get("/api/map?range=15m&limit=1&metric=flows");
    assertThat(one.path("shownEdges").asInt()).isEqualTo(1);
    assertThat(one.path("totalEdges").asLong()).isEqualTo(2);
  }

  @Test
  void anEdgesDetailHasItsSeriesRoundTripTimesExplanationAndAnomalies() throws Exception {
    String id = edgeTo(get("/api/map?range=15m"), "shop/Service/checkout").path("id").asText();
    JsonNode detail = get("/api/edge?range=15m&id=" + id);
    long seriesBytes = 0;
    for (JsonNode point : detail.path("series")) {
      seriesBytes += point.path("bytes").asLong();
    }
    assertThat(seriesBytes).isEqualTo(4 * 100L * 21);
    assertThat(detail.path("rtt").path("p50Us").asLong()).isEqualTo(250);
    assertThat(detail.path("rtt").path("p99Us").asLong()).isEqualTo(4000);
    assertThat(detail.path("explanation").asText()).contains("denies");
    assertThat(detail.path("anomalies")).extracting(a -> a.path("type").asText()).containsExactly("POLICY_VIOLATION");
  }

  @Test
  void theAnomalyListCountsEveryTypeAndFiltersWithoutLosingTheCounts() throws Exception {
    JsonNode all = get("/api/anomalies?range=15m");
    assertThat(all.path("total").asLong()).isEqualTo(2);
    assertThat(all.path("countsByType").path("PORT_SCAN").asLong()).isEqualTo(1);
    assertThat(all.path("countsByType").path("POLICY_VIOLATION").asLong()).isEqualTo(1);
    JsonNode newest = all.path("anomalies").get(0);
    assertThat(newest.path("type").asText()).as("newest last sight first").isEqualTo("POLICY_VIOLATION");
    assertThat(newest.path("open").asBoolean()).isTrue();
    JsonNode scan = all.path("anomalies").get(1);
    assertThat(scan.path("open").asBoolean()).as("last seen 9.5 min ago, cooldown 5 min").isFalse();
    assertThat(scan.path("revision").asInt()).isEqualTo(2);
    assertThat(scan.path("evidence").path("counters").path("distinctPorts").asLong()).isEqualTo(40);
    assertThat(scan.path("evidence").path("sampleFlows").get(0).path("destination_port").asInt()).isEqualTo(22);

    JsonNode scans = get("/api/anomalies?range=15m&type=port_scan");
    assertThat(scans.path("anomalies")).extracting(a -> a.path("id").asText()).containsExactly("scan-1");
    assertThat(scans.path("countsByType").path("POLICY_VIOLATION").asLong()).isEqualTo(1);
  }

  @Test
  void thePageAndItsAssetsComeFromTheConsoleAndBadRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> page = fetch("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).contains("default-src 'self'"));
    assertThat(page.body()).contains("service-map").doesNotContain("https://");
    assertThat(fetch("/console.js").statusCode()).isEqualTo(200);
    HttpResponse<String> bad = fetch("/api/map?range=7d");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("range \\\"7d\\\"").contains("live");
    assertThat(fetch("/api/map?verdict=maybe").body()).contains("allowed, denied or violation");
    assertThat(fetch("/api/edge?range=15m&id=nope").statusCode()).isEqualTo(404);
    JsonNode overview = get("/api/overview");
    assertThat(overview.path("namespaces")).extracting(JsonNode::asText).contains("shop");
    assertThat(overview.path("newestWindow").asText()).isEqualTo(SampleRecords.WINDOW_START.plusSeconds(50).toString().replace("Z", ".000Z"));
  }

  private static JsonNode edgeTo(JsonNode map, String target) {
    for (JsonNode edge : map.path("edges")) {
      if (edge.path("target").asText().equals(target)) {
        return edge;
      }
    }
    throw new AssertionError("no edge to " + target + " in " + map);
  }

  private static ServiceTraffic window(String client, String service, Instant start, int seconds, long bytes, long drops) {
    return ServiceTraffic.newBuilder(SampleRecords.traffic(client, service, start, 0, bytes))
        .setWindowEnd(start.plusSeconds(seconds)).setFlows(seconds == 10 ? 4 : 4L * WINDOWS).setDrops(drops).build();
  }

  private static PolicyAnomaly violation() {
    return PolicyAnomaly.newBuilder(SampleRecords.anomaly("violation-1", 1, "10.0.0.5"))
        .setType(AnomalyType.POLICY_VIOLATION).setSeverity(Severity.HIGH)
        .setFirstSeen(SampleRecords.WINDOW_START.plusSeconds(20)).setLastSeen(NOW.minus(Duration.ofMinutes(1)))
        .setDestination(SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 1).getDestination())
        .setDestinationPort(8080)
        .setEvidence(dev.flowtel.schema.Evidence.newBuilder(SampleRecords.anomaly("x", 0, "10.0.0.5").getEvidence())
            .setPolicyExplanation("ingress to shop/checkout: shop/default-deny denies").build())
        .setSummary("shop/Deployment/frontend reached shop/Service/checkout:8080, which the policies deny").build();
  }


  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = fetch(path);
    assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> fetch(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(console.url().toString().replaceAll("/$", "") + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
