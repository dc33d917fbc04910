package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.wire.FlowtelTopics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Given a fresh state folder, when a user runs {@code ./flowtel up}, then Kafka and Elasticsearch
 * come up with every Flowtel topic, flows from the simulated cluster become service traffic windows
 * in Kafka and documents in Elasticsearch, the summary says so, and at the end everything stops and
 * the ports are free again. The run is bounded by --duration as a user would bound it; the test ends
 * it early (an interrupt, as {@link UpCommand} documents) once it has seen flows, edges and
 * documents, so a slow machine makes the test longer, never red.
 */
@Timeout(600)
class UpCommandIT {

  /** A safety net only: every wait below ends when its state is reached. */
  private static final Duration AT_MOST = Duration.ofMinutes(5);
  private static final Pattern STATUS_LINE = Pattern.compile(
      "flows ([\\d,]+) \\([^)]*\\) \\| windows out [\\d,]+ on ([\\d,]+) edges \\| anomalies [\\d,]+ \\| documents in Elasticsearch");

  private static final Pattern LIVE_LATENCY = Pattern.compile(
      "latency p50/p99: anomaly -> topic \\S+( s)? \\| anomaly -> Elasticsearch \\S+( s)? \\| traffic window -> Elasticsearch [\\d.]+/[\\d.]+ s");

  // Under target/, not a JUnit temp folder: those are private to root, and Elasticsearch runs as
  // an unprivileged user that must reach its state folder.
  private final Path state = Path.of("target", "flowtel-it", "up-" + java.util.UUID.randomUUID()).toAbsolutePath();

  @Test
  void upStartsKafkaAndElasticsearchWithTheTopicsAndStopsCleanly() throws Exception {
    int kafkaPort = LocalPorts.free();
    int esPort = LocalPorts.free();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(new TeeStream(console, printed), true));
    // A thread of its own, as ./flowtel's main thread: on two cores the common ForkJoinPool has one
    // worker, and Flink's RPC needs it while the command sleeps through --duration.
    FutureTask<Integer> exit = new FutureTask<>(() -> new CommandLine(new FlowtelCommand()).execute(
        "up", "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort, "--es-port", "" + esPort,
        "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m", "--flows-per-second", "500",
        "--window", "5s", "--episodes-after", "10m"));
    Thread up = new Thread(exit, "flowtel-up");
    long began = System.nanoTime();
    up.start();
    int code;
    long flowsSeen;
    double ranSeconds;
    try {
      Path endpoints = state.resolve("endpoints.properties");
      await(exit, printed, () -> Files.exists(endpoints), "up to write where its servers are");
      Properties where = new Properties();
      try (var in = Files.newBufferedReader(endpoints)) {
        where.load(in);
      }
      assertThat(where.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:" + kafkaPort);
      assertThat(where.getProperty("elasticsearch.url")).isEqualTo("http://127.0.0.1:" + esPort);

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(List.of(
            FlowtelTopics.FLOWS, FlowtelTopics.CLUSTER_STATE, FlowtelTopics.SERVICE_TRAFFIC, FlowtelTopics.ANOMALIES, FlowtelTopics.DLQ));
        ConfigResource clusterState = new ConfigResource(ConfigResource.Type.TOPIC, FlowtelTopics.CLUSTER_STATE);
        Config config = admin.describeConfigs(List.of(clusterState)).all().get(30, TimeUnit.SECONDS).get(clusterState);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      }
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + esPort + "/_cluster/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"cluster_name\":\"flowtel-local\"");

      // The states the summary reports: at least 10,000 flows sent (20 s of the source), an edge out
      // of the jobs, and traffic documents searchable in Elasticsearch. All only grow.
      await(exit, printed, () -> printed.toString().contains("] running for "), "up to run");
      await(exit, printed, () -> lastStatus(printed).map(s -> flows(s) >= 10_000 && edges(s) >= 1).orElse(false),
          "a status line with 10,000 flows and an edge out");
      await(exit, printed, () -> UpCommand.count("http://127.0.0.1:" + esPort, "flowtel-traffic") > 0,
          "traffic documents in Elasticsearch");
      flowsSeen = flows(lastStatus(printed).orElseThrow());

      // Latency: the live view prints p50/p99 from the sink's histograms, which the sink serves on
      // its /metrics; the Flink operators' own histograms are on the MiniCluster's Prometheus reporter.
      await(exit, printed, () -> LIVE_LATENCY.matcher(printed.toString()).find(), "a live latency line with traffic windows measured");
      Matcher sinkMetrics = Pattern.compile("Elasticsearch sink metrics: (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(printed.toString());
      assertThat(sinkMetrics.find()).as("up names the sink's /metrics").isTrue();
      String sinkText = get(sinkMetrics.group(1));
      assertThat(sinkText).contains("# TYPE flowtel_sink_evidence_to_committed_seconds histogram",
          "# TYPE flowtel_sink_evidence_to_indexed_seconds histogram");
      assertThat(sinkText).containsPattern("flowtel_sink_evidence_to_indexed_seconds_count\\{kind=\"traffic\"} [1-9]");
      Optional<String> flinkText = flinkMetrics();
      assertThat(flinkText).as("Flink's Prometheus reporter on one of " + LocalPipeline.FLINK_METRICS_PORTS).isPresent();
      assertThat(flinkText.orElseThrow()).containsPattern("evidenceToEmittedMillis_count\\{[^}]*kind=\"traffic\"[^}]*} [1-9]");
      up.interrupt();
      code = exit.get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
      ranSeconds = (System.nanoTime() - began) / 1e9;
    } finally {
      if (!exit.isDone()) {   // a failed check above: stop the servers all the same
        up.interrupt();
        exit.get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
      }
      System.setOut(console);
    }
    assertThat(code).isZero();
    String output = printed.toString();
    Matcher flows = Pattern.compile("flows in\\s+([\\d,]+)").matcher(output);
    assertThat(flows.find()).as("summary names the flows in:%n%s", output).isTrue();
    // The source is paced: no flow goes out before the wall clock reaches its event time, and event
    // time starts with the run. So however slow the machine, at most 500/s at the daily curve's
    // peak (x1.6), its 2 s out-of-order bound and one pacing step (64 flows) can have gone out in
    // the time the whole command ran: a slow machine sends fewer, an unpaced source millions.
    long flowsIn = Long.parseLong(flows.group(1).replace(",", ""));
    assertThat(flowsIn).as("flows in, after the status line said %,d", flowsSeen).isGreaterThanOrEqualTo(flowsSeen);
    assertThat(flowsIn).as("flows in, paced at 500/s over the %.0f s the command ran", ranSeconds)
        .isLessThanOrEqualTo((long) (500 * 1.6 * (ranSeconds + 2)) + 64);
    Matcher documents = Pattern.compile("documents in Elasticsearch ([\\d,]+) traffic").matcher(output);
    assertThat(documents.find()).as("summary counts documents:%n%s", output).isTrue();
    assertThat(Long.parseLong(documents.group(1).replace(",", ""))).as("traffic documents in Elasticsearch").isPositive();
    assertThat(output).containsPattern("edges out\\s+[1-9]");
    assertThat(output).as("summary's latency lines").contains("latency p50 / p99 over the run")
        .containsPattern("anomaly -> topic\\s+(none measured|[\\d.]+ s / [\\d.]+ s)")
        .containsPattern("traffic window -> Elasticsearch\\s+[\\d.]+ s / [\\d.]+ s  \\([\\d,]+ windows\\)");
    assertThat(output.substring(output.lastIndexOf("Summary"))).as("after the summary: how to look at the results")
        .contains("http://127.0.0.1:" + esPort).contains("./flowtel kibana import").contains("./flowtel anomalies tail");
    assertThat(LocalPorts.inUse(kafkaPort)).as("Kafka port free after up ended").isFalse();
    assertThat(LocalPorts.inUse(esPort)).as("Elasticsearch port free after up ended").isFalse();
    assertThat(state.resolve("endpoints.properties")).doesNotExist();
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  /** The exposition of the first port of the reporter's range that serves Flink metrics. */
  private static Optional<String> flinkMetrics() {
    String[] range = LocalPipeline.FLINK_METRICS_PORTS.split("-");
    for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
      try {
        String body = get("http://127.0.0.1:" + port + "/metrics");
        if (body.contains("flink_")) {
          return Optional.of(body);
        }
      } catch (Exception | AssertionError notThisOne) {
        // a closed port, or another program's
      }
    }
    return Optional.empty();
  }

  /** The live view's latest status line (flows, windows and edges out, anomalies, documents). */
  private static Optional<String> lastStatus(ByteArrayOutputStream printed) {
    Matcher m = STATUS_LINE.matcher(printed.toString());
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return Optional.ofNullable(last);
  }

  private static long flows(String statusLine) {
    return number(statusLine, 1);
  }

  private static long edges(String statusLine) {
    return number(statusLine, 2);
  }

  private static long number(String statusLine, int group) {
    Matcher m = STATUS_LINE.matcher(statusLine);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(group).replace(",", ""));
  }

  /** Polls {@code state} until it holds; fails at once, with what up printed, when up ended first. */
  private static void await(FutureTask<Integer> exit, ByteArrayOutputStream printed, BooleanSupplier state, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + AT_MOST.toNanos();
    while (!state.getAsBoolean()) {
      if (exit.isDone()) {
        throw new AssertionError("up ended before " + what + ":\n" + printed);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " after " + AT_MOST.toMinutes() + " min:\n" + printed);
      }
      Thread.sleep(200);
    }
  }
}
