package dev.flowtel.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.testing.Chromium;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Given the simulator's large cluster (25 namespaces of 20 services, 12 pods per workload on 32 nodes: 500
 * services, 6,000 pods) with traffic on every edge of its call graph, when the console is asked
 * for the map and opened in a real browser, then the server sends only the heaviest edges that fit
 * the screen (not the whole graph), the page draws them, and it still answers clicks: an edge's
 * detail opens. How long the API and the first drawing took is printed, never asserted.
 */
@WithElasticsearch
@Tag("nightly") // a scale check with timings to report; the console's behaviour is in CI (ConsoleServerIT, UpCommandIT)
@Timeout(300)
class ConsoleScaleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = SampleRecords.WINDOW_START;
  private static final int WINDOWS = 6;
  private static final Instant NOW = START.plusSeconds(10L * WINDOWS + 30);

  private final ElasticsearchFixture elasticsearch;

  ConsoleScaleIT(ElasticsearchFixture elasticsearch) {
    this.elasticsearch = elasticsearch;
  }

  @Test
  void aFiveHundredServiceClusterIsSentAsTheEdgesThatFitAndStaysClickable() throws Exception {
    assumeTrue(Chromium.available(), Chromium.MISSING);
    ClusterSimulator large = ClusterSimulator.of(SimulatorSettings.defaults().withNamespaces(25).withServicesPerNamespace(20)
        .withPodsPerWorkload(12).withNodes(32));
    List<CallEdge> graph = large.callGraph().edges().stream().filter(e -> !e.toExternal() && e.clientWorkload() != null).toList();
    assertThat(large.cluster().services()).as("the simulator's large cluster").hasSizeGreaterThanOrEqualTo(500);

    try (EsTestSupport es = new EsTestSupport(elasticsearch.url())) {
      es.setup();
      index(es, graph);
      try (ConsoleServer console = ConsoleServer.start(new ConsoleSettings("127.0.0.1", 0, es.names, Duration.ofMinutes(5), null,
          Clock.fixed(NOW, ZoneOffset.UTC)), es.clients.rest(), elasticsearch.url())) {
        String base = console.url().toString();
        long began = System.nanoTime();
        HttpResponse<String> map = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/map?range=15m")).build(),
            HttpResponse.BodyHandlers.ofString());
        double apiMillis = (System.nanoTime() - began) / 1e6;
        JsonNode answer = JSON.readTree(map.body());
        long distinctEdges = graph.stream().map(e -> e.clientId() + ">" + e.serverId() + ":" + e.port().port()).distinct().count();
        assertThat(answer.path("totalEdges").asLong()).as("every edge of the call graph is counted").isEqualTo(distinctEdges);
        assertThat(answer.path("shownEdges").asInt()).as("only the heaviest are sent").isEqualTo(300);
        assertThat(answer.path("nodes").size()).isLessThanOrEqualTo(600);

        WebDriver browser = Chromium.headless();
        try {
          long opened = System.nanoTime();
          browser.get(base);
          WebElement drawn = browser.findElement(By.id("service-map"));
          WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(2), Duration.ofMillis(100));
          wait.until(d -> "300".equals(drawn.getDomAttribute("data-edges")));
          double drawMillis = (System.nanoTime() - opened) / 1e6;
          WebElement heaviest = browser.findElements(By.cssSelector("#service-map .edge")).getFirst();
          String id = heaviest.getDomAttribute("data-edge-id");
          long clicked = System.nanoTime();
          ((JavascriptExecutor) browser).executeScript("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", heaviest);
          WebElement detail = browser.findElement(By.id("edge-detail"));
          wait.until(d -> id.equals(detail.getDomAttribute("data-edge-id")) && detail.isDisplayed());
          double detailMillis = (System.nanoTime() - clicked) / 1e6;
          System.out.printf("console at scale: %,d services, %,d edges in %,d windows; /api/map 15m %.0f ms, %,d bytes for %d edges"
              + " and %d nodes; page drawn %.0f ms after opening; an edge's detail %.0f ms after the click%n",
              large.cluster().services().size(), graph.size(), graph.size() * WINDOWS, apiMillis, map.body().length(),
              answer.path("shownEdges").asInt(), answer.path("nodes").size(), drawMillis, detailMillis);
        } finally {
          browser.quit();
        }
      }
    }
  }

  private static void index(EsTestSupport es, List<CallEdge> graph) {
    TrafficDocuments traffic = new TrafficDocuments(es.names);
    List<IndexDocument> documents = new ArrayList<>();
    for (CallEdge edge : graph) {
      for (int w = 0; w < WINDOWS; w++) {
        documents.add(traffic.build(window(edge, START.plusSeconds(10L * w))));
      }
      if (documents.size() >= 5_000) {
        es.index(documents);
        documents.clear();
      }
    }
    es.index(documents);
  }

  /** A window of one call edge, heavier for some edges than others so the ranking has work to do. */
  private static ServiceTraffic window(CallEdge edge, Instant start) {
    long bytes = 1_000L + (edge.index() * 7919L) % 100_000L;
    return ServiceTraffic.newBuilder(SampleRecords.traffic("x", "y", start, 0, bytes))
        .setSource(EdgeEndpoint.newBuilder().setNamespace(edge.clientWorkload().namespace())
            .setKind(edge.clientWorkload().kind().kubernetesName()).setName(edge.clientWorkload().name())
            .setNetworkClass(NetworkClass.POD).build())
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(edge.service().namespace()).setKind("Service")
            .setName(edge.service().name()).setNetworkClass(NetworkClass.SERVICE).build())
        .setDestinationPort(edge.port().port())
        .setDrops(edge.index() % 50 == 0 ? 2 : 0)
        .build();
  }


}
