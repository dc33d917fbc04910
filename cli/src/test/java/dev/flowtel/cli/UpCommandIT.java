package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.wire.FlowtelTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
  private static final Pattern LIVE_LATENCY = Pattern.compile(
      "latency p50/p99: anomaly -> topic \\S+( s)? \\| anomaly -> Elasticsearch \\S+( s)? \\| traffic window -> Elasticsearch [\\d.]+/[\\d.]+ s");

  // Under target/, not a JUnit temp folder: those are private to root, and Elasticsearch runs as
  // an unprivileged user that must reach its state folder.
  private final Path state = Path.of("target", "flowtel-it", "up-" + java.util.UUID.randomUUID()).toAbsolutePath();

  @Test
  void upStartsKafkaAndElasticsearchWithTheTopicsAndStopsCleanly() throws Exception {
    int kafkaPort = LocalPorts.free();
    int esPort = LocalPorts.free();
    long began = System.nanoTime();
    int code;
    long flowsSeen;
    double ranSeconds;
    String output;
    try (UpRun up = UpRun.start(AT_MOST, "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort,
        "--es-port", "" + esPort, "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m", "--flows-per-second", "500",
        "--window", "5s", "--episodes-after", "10m")) {
      Path endpoints = state.resolve("endpoints.properties");
      up.until(() -> Files.exists(endpoints), "up to write where its servers are");
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
      assertThat(UpRun.get("http://127.0.0.1:" + esPort + "/_cluster/health")).contains("\"cluster_name\":\"flowtel-local\"");

      // The states the summary reports: at least 10,000 flows sent (20 s of the source), an edge out
      // of the jobs, and traffic documents searchable in Elasticsearch. All only grow.
      up.until(() -> up.printed().contains("] running for "), "up to run");
      up.until(() -> up.lastStatus().map(s -> UpRun.flows(s) >= 10_000 && UpRun.edges(s) >= 1).orElse(false),
          "a status line with 10,000 flows and an edge out");
      up.until(() -> UpCommand.count("http://127.0.0.1:" + esPort, "flowtel-traffic") > 0, "traffic documents in Elasticsearch");
      flowsSeen = UpRun.flows(up.lastStatus().orElseThrow());

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
      code = up.stop();
      ranSeconds = (System.nanoTime() - began) / 1e9;
      output = up.printed();
    }
    assertThat(code).isZero();
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
}
