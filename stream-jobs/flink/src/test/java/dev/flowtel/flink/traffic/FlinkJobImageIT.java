package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.Podman;
import dev.flowtel.testing.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The flink-job image (deploy/docker/flink-job.Dockerfile, on build-images.sh --local's Flink base)
 * run as the Flink Kubernetes Operator runs a FlinkDeployment in application mode: a
 * {@code standalone-job} JobManager container whose job is the image's jar in usrlib, and a
 * {@code taskmanager} container from the same image, as user 9999 with every capability dropped, the
 * configuration in FLINK_PROPERTIES (the manifests' flinkConfiguration: checkpoints on a mounted
 * volume, the Prometheus reporter plugin). Host network, against the real broker: every window of the
 * input comes out once, read with read_committed, with exactly the bytes and packets of its flows.
 */
@WithKafka
@Timeout(600)
@Tag("nightly") // CI runs the image's jar on its Java in ImagesIT (issue 23 allows that); this whole run costs CI's longest module a minute and a half
class FlinkJobImageIT {

  private static final String IMAGE = "ghcr.io/flowtel/flink-job:0.1.0";
  /** The FlinkDeployments' pod securityContext: runAsUser and fsGroup 9999. */
  private static final int FLINK_UID = 9999;

  @Test
  void anApplicationClusterFromTheImageAggregatesEveryWindowExactlyOnce(KafkaFixture kafka) throws Exception {
    String reason = Podman.unavailableReason();
    assumeThat(reason).as("containers cannot run here: %s", reason).isNull();
    Podman.buildImages("flink-job");

    String id = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.image.flows." + id;
    String traffic = "it.image.traffic." + id;
    String group = "it-image-" + id;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(2, flows, traffic, "it.image.dlq." + id);
    // 4,800 observations over 24 s of event time: every window has flows of several edges.
    TrafficInput input = TrafficInput.generate(2, 1_200);
    topics.produce(flows, input.arrivals(), i -> input.partitions().get(i));
    topics.produce(flows, input.closingArrivals(), i -> i / input.closingPerPartition());

    Path data = Files.createDirectories(Path.of("target", "flink-image-it", id)).toAbsolutePath();
    Files.setAttribute(data, "unix:uid", FLINK_UID); // the pod's fsGroup makes its volume the user's
    int jobManagerMetrics = LocalPorts.free();
    String properties = properties(Map.of(
        "jobmanager.rpc.address", "localhost",
        "jobmanager.rpc.port", Integer.toString(LocalPorts.free()),
        "rest.port", Integer.toString(LocalPorts.free()),
        "blob.server.port", Integer.toString(LocalPorts.free()),
        "execution.checkpointing.dir", "file:///flink-data/checkpoints",
        "execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints"));
    String jobManager = "flowtel-flink-jm-it-" + id;
    String taskManager = "flowtel-flink-tm-it-" + id;
    try {
      Podman.run(container(jobManager, data, properties + "metrics.reporter.prom.port: " + jobManagerMetrics + "\n",
          List.of("standalone-job", "--job-classname", TrafficAggregationMain.class.getName(),
              // The FlinkDeployment's args, with this run's topics.
              "--bootstrap-servers=" + kafka.bootstrapServers(), "--checkpoint-interval=2s", "--flows-topic", flows,
              "--traffic-topic", traffic, "--dlq-topic", "it.image.dlq." + id, "--group-id", group,
              "--starting-offsets", "earliest", "--rollup", "0", "--idleness", "1h", "--parallelism", "2")));
      Podman.run(container(taskManager, data, properties + "metrics.reporter.prom.port: " + LocalPorts.free() + "\n",
          List.of("taskmanager")));

      TrafficInput.awaitCommitted(topics, group, input.endsWithClosing(flows));
      input.awaitConserved(() -> KafkaTopics.decodeTraffic(topics.readCommitted(traffic)));
      // The reporter plugin loaded from plugins/: the FlinkDeployments' Prometheus scrape finds it.
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jobManagerMetrics + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("flink_jobmanager_numRegisteredTaskManagers");
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("the JobManager's log:\n" + tail(jobManager) + "\nthe TaskManager's log:\n" + tail(taskManager), e);
    } finally {
      Podman.exec(List.of("rm", "-f", "-t", "5", jobManager, taskManager));
    }
  }

  /** FLINK_PROPERTIES: the FlinkDeployments' flinkConfiguration for one TaskManager of two slots on this host. */
  private static String properties(Map<String, String> run) {
    StringBuilder p = new StringBuilder("""
        jobmanager.bind-host: 127.0.0.1
        rest.address: 127.0.0.1
        rest.bind-address: 127.0.0.1
        taskmanager.host: localhost
        taskmanager.bind-host: 127.0.0.1
        taskmanager.numberOfTaskSlots: 2
        jobmanager.memory.process.size: 1024m
        taskmanager.memory.process.size: 1280m
        taskmanager.memory.managed.fraction: 0.1
        restart-strategy.type: exponential-delay
        metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
        """);
    run.forEach((k, v) -> p.append(k).append(": ").append(v).append('\n'));
    return p.toString();
  }

  private static List<String> container(String name, Path data, String properties, List<String> args) {
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name));
    command.addAll(Podman.LIMITS);
    command.addAll(List.of("--network", "host", "--user", Integer.toString(FLINK_UID), "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges", "-v", data + ":/flink-data", "-e", "FLINK_PROPERTIES=" + properties, IMAGE));
    command.addAll(args);
    return command;
  }

  private static String tail(String container) {
    try {
      return Podman.exec(List.of("logs", "--tail", "60", container)).output();
    } catch (Exception e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
