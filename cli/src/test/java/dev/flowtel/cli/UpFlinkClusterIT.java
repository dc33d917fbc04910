package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.localstack.LocalPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the job jar the build made, when a user runs {@code ./flowtel up --flink-cluster}, then both
 * Flink jobs run on a local session cluster (a JobManager and two TaskManagers in JVMs of their own)
 * whose web UI answers at the printed address, flows become windows in Kafka and documents in
 * Elasticsearch, the summary says the jobs were RUNNING, and at the end no Flink, Kafka or
 * Elasticsearch process or port is left. As in {@link UpCommandIT}, the test ends the bounded run
 * early once it has seen what it waits for.
 */
@Timeout(600)
@Tag("nightly") // a long end-to-end run; CI covers its subject elsewhere (README, "Tests")
class UpFlinkClusterIT {

  /** A safety net only: every wait below ends when its state is reached. */
  private static final Duration AT_MOST = Duration.ofMinutes(5);
  /** Built by stream-jobs/flink's package phase, which the reactor runs before this module's tests. */
  private static final Path JOB_JAR = Path.of("..", "stream-jobs", "flink", "target", "flowtel-flink-job.jar").toAbsolutePath().normalize();

  private final Path state = Path.of("target", "flowtel-it", "up-cluster-" + java.util.UUID.randomUUID()).toAbsolutePath();

  @Test
  void upRunsBothJobsOnASessionClusterAndStopsIt() throws Exception {
    assertThat(JOB_JAR).as("the shaded job jar (mvn package of stream-jobs/flink)").exists();
    int kafkaPort = LocalPorts.free();
    int esPort = LocalPorts.free();
    int uiPort = LocalPorts.free();
    String ui = "http://127.0.0.1:" + uiPort;
    int code;
    String output;
    try (UpRun up = UpRun.start(AT_MOST, "--flink-cluster", "--flink-ui-port", "" + uiPort, "--flink-job-jar", JOB_JAR.toString(),
        "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort, "--es-port", "" + esPort,
        "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m", "--flows-per-second", "500",
        "--window", "5s", "--episodes-after", "10m")) {
      up.until(() -> up.printed().contains("Flink web UI   " + ui), "the Flink web UI's address");
      String jobs = UpRun.get(ui + "/jobs/overview");
      assertThat(jobs).contains("\"name\":\"flowtel-traffic-aggregation\"").contains("\"state\":\"RUNNING\"");
      assertThat(Pattern.compile("\"state\":\"RUNNING\"").matcher(jobs).results().count()).as("jobs RUNNING: %s", jobs).isEqualTo(2);
      assertThat(UpRun.get(ui + "/overview")).contains("\"taskmanagers\":2");
      up.until(() -> up.lastStatus().map(s -> UpRun.flows(s) >= 5_000 && UpRun.edges(s) >= 1).orElse(false),
          "a status line with 5,000 flows and an edge out");
      up.until(() -> UpCommand.count("http://127.0.0.1:" + esPort, "flowtel-traffic") > 0, "traffic documents in Elasticsearch");
      code = up.stop();
      output = up.printed();
    }
    assertThat(code).isZero();
    String summary = output.substring(output.lastIndexOf("Summary"));
    assertThat(summary).containsPattern("jobs\\s+RUNNING\\n").containsPattern("edges out\\s+[1-9]")
        .containsPattern("documents in Elasticsearch [1-9][\\d,]* traffic");
    assertThat(LocalPorts.inUse(uiPort)).as("Flink REST port free after up ended").isFalse();
    assertThat(LocalPorts.inUse(kafkaPort)).as("Kafka port free after up ended").isFalse();
    assertThat(LocalPorts.inUse(esPort)).as("Elasticsearch port free after up ended").isFalse();
    try (Stream<Path> pids = Files.list(state.resolve("flink"))) {
      pids.filter(p -> p.toString().endsWith(".pid")).forEach(pid -> {
        long id = Long.parseLong(read(pid).trim());
        assertThat(ProcessHandle.of(id).filter(ProcessHandle::isAlive)).as("Flink process %s of %s", id, pid).isEmpty();
      });
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
