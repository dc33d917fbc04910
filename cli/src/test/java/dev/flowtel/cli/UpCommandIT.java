package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.dns.DnsEpisodeType;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.testing.Chromium;
import dev.flowtel.wire.FlowtelTopics;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * A new user's first {@code ./flowtel up}, on the simulator staging a policy violation and then a
 * denied spike, checked in the order the user meets it, over one run (a pipeline takes most of a
 * minute to start; each check is its own test, so one failing does not hide the others):
 * <ol>
 *   <li>Kafka and Elasticsearch come up with every Flowtel topic;</li>
 *   <li>flows become service traffic windows in Kafka and documents in Elasticsearch, with the
 *       latency lines and both /metrics;</li>
 *   <li>the console whose URL up printed, opened in a real browser (Debian's chromium), shows the
 *       simulated cluster's namespaces and call-graph edges, turns the violation's edge red, lists
 *       every anomaly type the run produced with its evidence; screenshots of the map, an edge's
 *       detail and an anomaly's evidence go to {@code target/console-screenshots/};</li>
 *   <li>{@code ./flowtel kibana verify} finds every shipped Kibana panel's numbers on this run equal
 *       to the console's;</li>
 *   <li>ended early (an interrupt, as {@link UpCommand} documents), it prints its summary, stops
 *       everything and frees the ports.</li>
 * </ol>
 * Waits end on states, never on time: a slow machine makes this longer, never red. How soon the map
 * showed the first window and the violation's edge turned red is printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class UpCommandIT {

  /** A safety net only: every wait below ends when its state is reached. */
  private static final Duration AT_MOST = Duration.ofMinutes(8);
  private static final Pattern LIVE_LATENCY = Pattern.compile(
      "latency p50/p99: anomaly -> topic \\S+( s)? \\| anomaly -> Elasticsearch \\S+( s)? \\| traffic window -> Elasticsearch [\\d.]+/[\\d.]+ s");
  private static final Pattern CONSOLE = Pattern.compile("Console\\s+(http://127\\.0\\.0\\.1:\\d+/)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FLOWS_PER_SECOND = 500;
  private static final long SEED = 42;
  private static final Duration EPISODES_AFTER = Duration.ofSeconds(20);
  private static final List<EpisodeType> EPISODES = List.of(EpisodeType.POLICY_VIOLATION, EpisodeType.DENIED_SPIKE);
  /** One DNS episode beside them: the simulated pods' DNS reaches the engine, and the spike is found and shown. */
  private static final List<DnsEpisodeType> DNS_EPISODES = List.of(DnsEpisodeType.NXDOMAIN_SPIKE);
  /** What the two staged episodes may add beyond the paced rate over their 30 s: the denied spike's 40 attempts a second, twice. */
  private static final long EPISODE_FLOWS = 2 * 40 * 30;
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  // Under target/, not a JUnit temp folder: those are private to root, and Elasticsearch runs as
  // an unprivileged user that must reach its state folder.
  private final Path state = Path.of("target", "flowtel-it", "up-" + java.util.UUID.randomUUID()).toAbsolutePath();
  private final int kafkaPort = LocalPorts.free();
  private final int esPort = LocalPorts.free();
  private final String elasticsearch = "http://127.0.0.1:" + esPort;
  private long began;
  private UpRun up;

  @BeforeAll
  void startUp() {
    began = System.nanoTime();
    up = UpRun.start(AT_MOST, "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort,
        "--es-port", "" + esPort, "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m",
        "--flows-per-second", "" + FLOWS_PER_SECOND, "--seed", "" + SEED, "--window", "5s",
        "--episodes-after", EPISODES_AFTER.toSeconds() + "s", "--episodes", EPISODES.get(0) + "," + EPISODES.get(1),
        "--dns-episodes", DNS_EPISODES.get(0).name(), "--console-port", "0");
  }

  @AfterAll
  void stopIfStillRunning() throws Exception {
    up.close();
  }

  @Test
  @Order(1)
  void kafkaAndElasticsearchComeUpWithEveryTopic() throws Exception {
    Path endpoints = state.resolve("endpoints.properties");
    up.until(() -> Files.exists(endpoints), "up to write where its servers are");
    Properties where = new Properties();
    try (var in = Files.newBufferedReader(endpoints)) {
      where.load(in);
    }
    assertThat(where.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:" + kafkaPort);
    assertThat(where.getProperty("elasticsearch.url")).isEqualTo(elasticsearch);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(List.of(
          FlowtelTopics.FLOWS, FlowtelTopics.CLUSTER_STATE, FlowtelTopics.SERVICE_TRAFFIC, FlowtelTopics.ANOMALIES, FlowtelTopics.DLQ));
      ConfigResource clusterState = new ConfigResource(ConfigResource.Type.TOPIC, FlowtelTopics.CLUSTER_STATE);
      Config config = admin.describeConfigs(List.of(clusterState)).all().get(30, TimeUnit.SECONDS).get(clusterState);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
    assertThat(UpRun.get(elasticsearch + "/_cluster/health")).contains("\"cluster_name\":\"flowtel-local\"");
  }

  @Test
  @Order(2)
  void flowsBecomeWindowsAndDocumentsWithTheirLatency() throws Exception {
    // The states the status line reports: at least 10,000 flows sent (20 s of the source), an edge
    // out of the jobs, and traffic documents searchable in Elasticsearch. All only grow.
    up.until(() -> up.printed().contains("] running for "), "up to run");
    up.until(() -> up.lastStatus().map(s -> UpRun.flows(s) >= 10_000 && UpRun.edges(s) >= 1).orElse(false),
        "a status line with 10,000 flows and an edge out");
    up.until(() -> UpCommand.count(elasticsearch, "flowtel-traffic") > 0, "traffic documents in Elasticsearch");

    // Latency: the live view prints p50/p99 from the sink's histograms, which the sink serves on
    // its /metrics; the Flink operators' own histograms are on the MiniCluster's Prometheus reporter.
    up.until(() -> LIVE_LATENCY.matcher(up.printed()).find(), "a live latency line with traffic windows measured");
    Matcher sinkMetrics = Pattern.compile("Elasticsearch sink metrics: (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(up.printed());
    assertThat(sinkMetrics.find()).as("up names the sink's /metrics").isTrue();
    String sinkText = UpRun.get(sinkMetrics.group(1));
    assertThat(sinkText).contains("# TYPE flowtel_sink_evidence_to_committed_seconds histogram",
        "# TYPE flowtel_sink_evidence_to_indexed_seconds histogram");
    assertThat(sinkText).containsPattern("flowtel_sink_evidence_to_indexed_seconds_count\\{kind=\"traffic\"} [1-9]");
    Optional<String> flinkText = flinkMetrics();
    assertThat(flinkText).as("Flink's Prometheus reporter on one of " + LocalPipeline.FLINK_METRICS_PORTS).isPresent();
    assertThat(flinkText.orElseThrow()).containsPattern("evidenceToEmittedMillis_count\\{[^}]*kind=\"traffic\"[^}]*} [1-9]");
  }

  @Test
  @Order(3)
  void theConsoleShowsTheClusterTheViolationInRedAndEveryAnomalyType() throws Exception {
    assumeTrue(Chromium.available(), Chromium.MISSING);
    ClusterSimulator simulated = ClusterSimulator.of(new LocalDemo(FLOWS_PER_SECOND, SEED, EPISODES_AFTER, EPISODES, DNS_EPISODES)
        .simulation(Instant.now()));
    Set<String> namespaces = simulated.cluster().namespaces().stream().map(KubeNamespace::name).collect(Collectors.toSet());
    Set<String> callGraph = simulated.callGraph().edges().stream()
        .map(e -> e.clientId() + ">" + e.serverId() + ":" + e.port().port()).collect(Collectors.toSet());
    // The staged episodes' edges are not the call graph's; until the detection has judged them, they are drawn allowed.
    Set<String> staged = simulated.episodes().stream().map(l -> l.sourceWorkload() + ">" + l.destination()).collect(Collectors.toSet());
    Files.createDirectories(SCREENSHOTS);
    String url = consoleUrl();
    up.until(() -> UpCommand.count(elasticsearch, "flowtel-traffic") > 0, "the first traffic window in Elasticsearch");
    Instant firstWindow = Instant.now();
    WebDriver browser = Chromium.headless();
    try {
      WebDriverWait wait = new WebDriverWait(browser, AT_MOST, Duration.ofMillis(250));
      browser.get(url);
      WebElement map = browser.findElement(By.id("service-map"));
      wait.until(d -> number(map.getDomAttribute("data-edges")) > 0);
      System.out.printf("console: the map showed edges %.1f s after the first traffic window was searchable%n",
          Duration.between(firstWindow, Instant.now()).toMillis() / 1000.0);
      screenshot(browser, "map.png");

      Set<String> shownNamespaces = browser.findElements(By.cssSelector("#service-map g.namespace")).stream()
          .map(g -> g.getDomAttribute("data-namespace")).filter(n -> !isExternal(n)).collect(Collectors.toCollection(TreeSet::new));
      assertThat(shownNamespaces).as("namespaces on the map").isNotEmpty().isSubsetOf(namespaces);
      List<String> allowedWithPort = browser.findElements(By.cssSelector("#service-map .edge[data-verdict='allowed']")).stream()
          .map(e -> e.getDomAttribute("data-edge-name")).filter(UpCommandIT::workloadToService)
          .filter(name -> !staged.contains(callGraphKey(name))).toList();
      assertThat(allowedWithPort).as("allowed edges from a workload to a Service on the map").isNotEmpty();
      assertThat(allowedWithPort).as("every such edge is one of the simulated call graph's")
          .allSatisfy(name -> assertThat(callGraph).contains(callGraphKey(name)));

      // The violation: its edge turns red. Filtered to violations, as a user would look for it
      // on a map that draws the 300 heaviest of a few thousand edges.
      new Select(browser.findElement(By.id("verdict-filter"))).selectByValue("violation");
      WebElement red = wait.until(d -> d.findElements(By.cssSelector("#service-map .edge[data-verdict='violation']")).stream()
          .findFirst().orElse(null));
      Instant redAt = Instant.now();
      JsonNode violations = JSON.readTree(UpRun.get(url + "api/anomalies?range=15m&type=POLICY_VIOLATION"));
      Instant firstSeen = Instant.parse(violations.path("anomalies").get(0).path("firstSeen").asText());
      System.out.printf("console: the violation's edge turned red %.1f s after its first flow%n",
          Duration.between(firstSeen, redAt).toMillis() / 1000.0);
      assertThat(Integer.parseInt(red.getDomAttribute("data-open-anomalies"))).isPositive();
      String violatingEdge = red.getDomAttribute("data-edge-id");
      // Through the page's own handler: WebDriver's click aims at the bounding box's centre, which a thin line may miss.
      ((JavascriptExecutor) browser).executeScript("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", red);
      WebElement detail = browser.findElement(By.id("edge-detail"));
      wait.until(d -> violatingEdge.equals(detail.getDomAttribute("data-edge-id")) && detail.isDisplayed()
          && detail.getText().contains("POLICY_VIOLATION"));
      screenshot(browser, "edge-detail.png");

      // The anomaly list: every type the run has produced by then, as the API counts them.
      up.until(() -> types(url).contains("DENIED_SPIKE"), "the denied spike's anomaly");
      browser.findElement(By.id("tab-anomalies")).click();
      WebElement list = browser.findElement(By.id("anomaly-list"));
      wait.until(d -> shownTypes(d).containsAll(types(url)));
      WebElement violation = browser.findElement(By.cssSelector("#anomaly-list .anomaly[data-type='POLICY_VIOLATION']"));
      violation.click();
      wait.until(d -> !violation.findElements(By.cssSelector(".evidence")).isEmpty()
          && violation.findElement(By.cssSelector(".evidence")).isDisplayed());
      assertThat(violation.findElement(By.cssSelector(".evidence")).getText()).as("the anomaly's evidence").isNotBlank();
      assertThat(number(list.getDomAttribute("data-count"))).isPositive();
      screenshot(browser, "anomaly-detail.png");

      // Back on the whole map: the violation in red and the denied spike's edge in orange among the allowed.
      browser.findElement(By.id("tab-map")).click();
      new Select(browser.findElement(By.id("verdict-filter"))).selectByValue("");
      wait.until(d -> !d.findElements(By.cssSelector("#service-map .edge[data-verdict='violation']")).isEmpty()
          && !d.findElements(By.cssSelector("#service-map .edge[data-verdict='denied']")).isEmpty()
          && !d.findElements(By.cssSelector("#service-map .edge[data-verdict='allowed']")).isEmpty());
      screenshot(browser, "map-verdicts.png");
    } finally {
      browser.quit();
    }
  }

  @Test
  @Order(4)
  void everyShippedKibanaPanelEqualsTheConsoleOnThisRun() throws Exception {
    // Both read at one point in time of Elasticsearch while the pipeline keeps writing.
    String url = consoleUrl();
    up.until(() -> types(url).containsAll(List.of("POLICY_VIOLATION", "DENIED_SPIKE")), "both episodes' anomalies");
    int before = up.printed().length();
    int verified = new CommandLine(new FlowtelCommand()).execute("kibana", "verify", "--es-url", elasticsearch, "--range", "15m");
    String report = up.printed().substring(before);
    assertThat(verified).as("kibana verify:%n%s", report).isZero();
    assertThat(report).contains("Every one of the 12 panels returned data equal to the console's.");
  }

  @Test
  @Order(5)
  void theDnsEpisodeIsAnNxdomainSpikeOfAWorkloadAndNothingElseOfDns() throws Exception {
    String url = consoleUrl();
    // The simulated pods resolve names all along (search-path NXDOMAINs included); only the staged
    // episode may raise a DNS anomaly, and it must, through the engine and the sink to the console.
    up.until(() -> types(url).contains("NXDOMAIN_SPIKE"), "the DNS episode's NXDOMAIN_SPIKE");
    JsonNode spikes = JSON.readTree(UpRun.get(url + "api/anomalies?range=15m&type=NXDOMAIN_SPIKE")).path("anomalies");
    Set<String> namespaces = ClusterSimulator.of(new LocalDemo(FLOWS_PER_SECOND, SEED, EPISODES_AFTER, EPISODES, DNS_EPISODES)
        .simulation(Instant.now())).cluster().namespaces().stream().map(KubeNamespace::name).collect(Collectors.toSet());
    assertThat(spikes).as("NXDOMAIN_SPIKE anomalies").isNotEmpty();
    JsonNode spike = spikes.get(0);
    String client = spike.path("source").asText();
    assertThat(spikes).as("one episode, one client").allSatisfy(s -> assertThat(s.path("source").asText()).isEqualTo(client));
    assertThat(client.substring(0, Math.max(0, client.indexOf('/')))).as("the spike's client %s", client).isIn(namespaces);
    // The id is namespace/Kind/name; the summary names the workload as namespace/name.
    String[] parts = client.split("/");
    assertThat(spike.path("summary").asText()).startsWith("NXDOMAIN spike: " + parts[0] + "/" + parts[parts.length - 1] + " ");
    assertThat(types(url)).as("anomaly types").doesNotContain("DNS_TUNNEL");
  }

  @Test
  @Order(6)
  void policyRecommendAndWhatIfWorkOnTheRunsOwnClusterFiles() throws Exception {
    Path cluster = state.resolve(LocalPolicyFiles.CLUSTER);
    Path inForce = state.resolve(LocalPolicyFiles.POLICIES_IN_FORCE);
    assertThat(up.printed()).contains("./flowtel policy recommend --cluster " + cluster);
    Path out = state.resolve("recommended");
    Path report = state.resolve("recommend-report.json");
    String until = Instant.now().toString();
    java.io.StringWriter recommendOut = new java.io.StringWriter();
    int recommended = new CommandLine(new FlowtelCommand()).setOut(new java.io.PrintWriter(recommendOut))
        .setErr(new java.io.PrintWriter(recommendOut)).execute("policy", "recommend", "--es-url", elasticsearch,
            "--cluster", cluster.toString(), "--since", "15m", "--until", until, "--out", out.toString(), "--report", report.toString());
    assertThat(recommended).as("policy recommend:%n%s", recommendOut).isZero();
    JsonNode evidence = new ObjectMapper().readTree(report.toFile());
    assertThat(evidence.path("period").path("edges").asInt()).as("edges read from this run").isPositive();
    Set<String> cited = new TreeSet<>();
    evidence.path("evidence").forEach(rule -> cited.add(rule.path("policy").asText()));
    List<dev.flowtel.core.policy.NetworkPolicy> written = dev.flowtel.core.policy.manifest.ManifestReader.read(List.of(out),
        java.util.EnumSet.of(dev.flowtel.core.policy.manifest.ObjectKind.NetworkPolicy), "--out").policies();
    Set<String> writtenIds = written.stream().map(dev.flowtel.core.policy.NetworkPolicy::id).collect(Collectors.toCollection(TreeSet::new));
    assertThat(writtenIds).as("every policy the evidence cites was written and reads back").containsAll(cited);
    assertThat(written.stream().map(p -> p.name().endsWith("-ingress")).distinct().count()).as("ingress and egress policies").isEqualTo(2);

    java.io.StringWriter whatIfOut = new java.io.StringWriter();
    java.io.StringWriter whatIfErr = new java.io.StringWriter();
    int replayed = new CommandLine(new FlowtelCommand()).setOut(new java.io.PrintWriter(whatIfOut))
        .setErr(new java.io.PrintWriter(whatIfErr)).execute("policy", "what-if", "--es-url", elasticsearch,
            "--cluster", cluster.toString(), "--policies-in-force", inForce.toString(), "--policies", out.toString(),
            "--since", "15m", "--until", until, "--output", "json");
    assertThat(replayed).as("policy what-if:%n%s%n%s", whatIfOut, whatIfErr).isZero();
    JsonNode whatIf = new ObjectMapper().readTree(whatIfOut.toString());
    assertThat(whatIf.path("counts").path("STILL_ALLOWED").asInt())
        .as("the call graph's edges, allowed by the simulator's policies and by the recommended ones:%n%s", whatIfOut).isPositive();
  }

  @Test
  @Order(7)
  void endedEarlyItSummarisesStopsEverythingAndFreesThePorts() throws Exception {
    up.until(() -> up.lastStatus().isPresent(), "a status line");
    long flowsSeen = UpRun.flows(up.lastStatus().orElseThrow());
    int code = up.stop();
    double ranSeconds = (System.nanoTime() - began) / 1e9;
    String output = up.printed();
    assertThat(code).isZero();
    Matcher flows = Pattern.compile("flows in\\s+([\\d,]+)").matcher(output);
    assertThat(flows.find()).as("summary names the flows in:%n%s", output).isTrue();
    // The source is paced: no flow goes out before the wall clock reaches its event time, and event
    // time starts with the run. So however slow the machine, at most the rate at the daily curve's
    // peak (x1.6), its 2 s out-of-order bound, one pacing step (64 flows) and what the staged
    // episodes add can have gone out in the time the whole command ran: a slow machine sends
    // fewer, an unpaced source millions.
    long flowsIn = Long.parseLong(flows.group(1).replace(",", ""));
    assertThat(flowsIn).as("flows in, after the status line said %,d", flowsSeen).isGreaterThanOrEqualTo(flowsSeen);
    assertThat(flowsIn).as("flows in, paced at %d/s over the %.0f s the command ran", FLOWS_PER_SECOND, ranSeconds)
        .isLessThanOrEqualTo((long) (FLOWS_PER_SECOND * 1.6 * (ranSeconds + 2)) + 64 + EPISODE_FLOWS);
    Matcher documents = Pattern.compile("documents in Elasticsearch ([\\d,]+) traffic").matcher(output);
    assertThat(documents.find()).as("summary counts documents:%n%s", output).isTrue();
    assertThat(Long.parseLong(documents.group(1).replace(",", ""))).as("traffic documents in Elasticsearch").isPositive();
    assertThat(output).containsPattern("edges out\\s+[1-9]");
    assertThat(output).as("summary's latency lines").contains("latency p50 / p99 over the run")
        .containsPattern("anomaly -> topic\\s+(none measured|[\\d.]+ s / [\\d.]+ s)")
        .containsPattern("traffic window -> Elasticsearch\\s+[\\d.]+ s / [\\d.]+ s  \\([\\d,]+ windows\\)");
    String after = output.substring(output.lastIndexOf("Summary"));
    assertThat(after).as("after the summary: how to look at the results")
        .containsPattern("Console\\s+http://127\\.0\\.0\\.1:\\d+/").contains(elasticsearch)
        .contains("./flowtel kibana import").contains("./flowtel anomalies tail");
    assertThat(LocalPorts.inUse(kafkaPort)).as("Kafka port free after up ended").isFalse();
    assertThat(LocalPorts.inUse(esPort)).as("Elasticsearch port free after up ended").isFalse();
    Matcher console = Pattern.compile("Console\\s+http://127\\.0\\.0\\.1:(\\d+)/").matcher(after);
    assertThat(console.find()).isTrue();
    assertThat(LocalPorts.inUse(Integer.parseInt(console.group(1)))).as("console port free after up ended").isFalse();
    assertThat(state.resolve("endpoints.properties")).doesNotExist();
  }

  private String consoleUrl() throws InterruptedException {
    return up.forValue(() -> {
      Matcher m = CONSOLE.matcher(up.printed());
      return m.find() ? m.group(1) : null;
    }, "up to print the console's URL");
  }

  /** The exposition of the first port of the reporter's range that serves Flink metrics. */
  private static Optional<String> flinkMetrics() {
    String[] range = LocalPipeline.FLINK_METRICS_PORTS.split("-");
    for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
      try {
        String body = UpRun.get("http://127.0.0.1:" + port + "/metrics");
        if (body.contains("flink_")) {
          return Optional.of(body);
        }
      } catch (Exception | AssertionError notThisOne) {
        // a closed port, or another program's
      }
    }
    return Optional.empty();
  }

  /** {@code ns/Deployment/web -> ns/Service/api tcp/8080} as the simulator keys it: {@code ns/web>ns/api:8080}. */
  private static String callGraphKey(String edgeName) {
    Matcher m = Pattern.compile("(\\S+) -> (\\S+) \\w+/(\\d+)").matcher(edgeName);
    assertThat(m.matches()).as("edge name %s", edgeName).isTrue();
    Function<String, String> id = end -> {
      String[] parts = end.split("/");
      return parts.length == 3 ? parts[0] + "/" + parts[2] : end;
    };
    return id.apply(m.group(1)) + ">" + id.apply(m.group(2)) + ":" + m.group(3);
  }

  /** An edge between a workload and a Service on one port, as the call graph models them (not an external peer, a node or a scan). */
  private static boolean workloadToService(String edgeName) {
    return edgeName.matches("[^/ ]+/[^/ ]+/[^/ ]+ -> [^/ ]+/Service/[^/ ]+ \\w+/\\d+");
  }

  private static boolean isExternal(String namespace) {
    return namespace == null || namespace.isEmpty() || namespace.equals("external");
  }

  private static Set<String> types(String url) {
    try {
      Set<String> types = new TreeSet<>();
      JSON.readTree(UpRun.get(url + "api/anomalies?range=15m")).path("countsByType").fieldNames().forEachRemaining(types::add);
      return types;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> shownTypes(WebDriver browser) {
    return browser.findElements(By.cssSelector("#anomaly-list .anomaly")).stream().map(a -> a.getDomAttribute("data-type"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static long number(String attribute) {
    return attribute == null || attribute.isBlank() ? 0 : Long.parseLong(attribute);
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
