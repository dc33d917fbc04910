package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.episode.EpisodeType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * Given {@code ./flowtel up} on the simulator staging a policy violation and then a denied spike, when a user opens the console URL it printed in a real browser (Debian's chromium), then
 * the map shows the simulated cluster's namespaces and call-graph edges, the violation's edge turns
 * red, the anomaly list shows every type the run produced, an edge's and an anomaly's detail open,
 * and {@code ./flowtel kibana verify} finds every shipped Kibana panel's numbers equal to the console's.
 * Screenshots of the map and of an anomaly's detail go to {@code target/console-screenshots/}.
 * How long after the first window the map showed it and after the violation's first flow its
 * edge turned red are printed (figures for the README's promises), never asserted: waits end on
 * states, with generous safety nets, so a busy machine makes this slower, not red.
 */
@Timeout(900)
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration AT_MOST = Duration.ofMinutes(8);
  private static final Pattern CONSOLE = Pattern.compile("Console\\s+(http://127\\.0\\.0\\.1:\\d+/)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double FLOWS_PER_SECOND = 300;
  private static final long SEED = 42;
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  private final Path state = Path.of("target", "flowtel-it", "console-" + java.util.UUID.randomUUID()).toAbsolutePath();

  @Test
  void theConsoleShowsTheSimulatedClusterItsViolationInRedAndEveryAnomalyType() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    int esPort = LocalPorts.free();
    String elasticsearch = "http://127.0.0.1:" + esPort;
    ClusterSimulator simulated = ClusterSimulator.of(new LocalDemo(FLOWS_PER_SECOND, SEED, Duration.ofSeconds(20)).simulation(Instant.now()));
    Set<String> namespaces = simulated.cluster().namespaces().stream().map(KubeNamespace::name).collect(Collectors.toSet());
    Set<String> callGraph = simulated.callGraph().edges().stream()
        .map(e -> e.clientId() + ">" + e.serverId() + ":" + e.port().port()).collect(Collectors.toSet());
    Files.createDirectories(SCREENSHOTS);

    try (UpRun up = UpRun.start(AT_MOST, "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port",
        "" + LocalPorts.free(), "--es-port", "" + esPort, "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m",
        "--flows-per-second", "" + (long) FLOWS_PER_SECOND, "--seed", "" + SEED, "--window", "5s", "--episodes-after", "20s",
        "--episodes", EpisodeType.POLICY_VIOLATION + "," + EpisodeType.DENIED_SPIKE,
        "--console-port", "0")) {
      String url = up.forValue(() -> {
        Matcher m = CONSOLE.matcher(up.printed());
        return m.find() ? m.group(1) : null;
      }, "up to print the console's URL");
      up.until(() -> UpCommand.count(elasticsearch, "flowtel-traffic") > 0, "the first traffic window in Elasticsearch");
      Instant firstWindow = Instant.now();
      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, AT_MOST, Duration.ofMillis(250));
        browser.get(url);
        WebElement map = browser.findElement(By.id("service-map"));
        wait.until(d -> number(map.getDomAttribute("data-edges")) > 0);
        System.out.printf("console: the map showed edges %.1f s after the first traffic window was searchable%n",
            Duration.between(firstWindow, Instant.now()).toMillis() / 1000.0);
        screenshot(browser, "map.png");

        List<WebElement> drawnNamespaces = browser.findElements(By.cssSelector("#service-map g.namespace"));
        Set<String> shownNamespaces = drawnNamespaces.stream().map(g -> g.getDomAttribute("data-namespace"))
            .filter(n -> namespaces.contains(n) || !isExternal(n)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(shownNamespaces).as("namespaces on the map").isNotEmpty().isSubsetOf(namespaces);
        List<String> allowedWithPort = browser.findElements(By.cssSelector("#service-map .edge[data-verdict='allowed']")).stream()
            .map(e -> e.getDomAttribute("data-edge-name")).filter(ConsoleBrowserIT::workloadToService).toList();
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
        clickSvg(browser, red);
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

      // Every shipped Kibana panel's request on this run's data equals the console's figure, both
      // read at one point in time while the pipeline keeps writing.
      int before = up.printed().length();
      int verified = new CommandLine(new FlowtelCommand()).execute("kibana", "verify", "--es-url", elasticsearch, "--range", "15m");
      String report = up.printed().substring(before);
      assertThat(verified).as("kibana verify:%n%s", report).isZero();
      assertThat(report).contains("Every one of the 12 panels returned data equal to the console's.");
      assertThat(up.stop()).isZero();
    }
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Clicks an SVG shape through the page's own handler: WebDriver's click aims at the bounding box's centre, which a thin curve may miss. */
  private static void clickSvg(WebDriver browser, WebElement element) {
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", element);
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
    File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
