package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.localstack.LocalPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

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
  private static final Pattern STATUS_LINE = Pattern.compile(
      "flows ([\\d,]+) \\([^)]*\\) \\| windows out [\\d,]+ on ([\\d,]+) edges \\| anomalies [\\d,]+ \\| documents in Elasticsearch");

  private final Path state = Path.of("target", "flowtel-it", "up-cluster-" + java.util.UUID.randomUUID()).toAbsolutePath();

  @Test
  void upRunsBothJobsOnASessionClusterAndStopsIt() throws Exception {
    assertThat(JOB_JAR).as("the shaded job jar (mvn package of stream-jobs/flink)").exists();
    int kafkaPort = LocalPorts.free();
    int esPort = LocalPorts.free();
    int uiPort = LocalPorts.free();
    String ui = "http://127.0.0.1:" + uiPort;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(new TeeStream(console, printed), true));
    FutureTask<Integer> exit = new FutureTask<>(() -> new CommandLine(new FlowtelCommand()).execute(
        "up", "--flink-cluster", "--flink-ui-port", "" + uiPort, "--flink-job-jar", JOB_JAR.toString(),
        "--source", "synthetic", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort, "--es-port", "" + esPort,
        "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m", "--flows-per-second", "500",
        "--window", "5s", "--episodes-after", "10m"));
    Thread up = new Thread(exit, "flowtel-up");
    up.start();
    int code;
    try {
      await(exit, printed, () -> printed.toString().contains("Flink web UI   " + ui), "the Flink web UI's address");
      String jobs = get(ui + "/jobs/overview");
      assertThat(jobs).contains("\"name\":\"flowtel-traffic-aggregation\"").contains("\"state\":\"RUNNING\"");
      assertThat(Pattern.compile("\"state\":\"RUNNING\"").matcher(jobs).results().count()).as("jobs RUNNING: %s", jobs).isEqualTo(2);
      assertThat(get(ui + "/overview")).contains("\"taskmanagers\":2");
      await(exit, printed, () -> lastStatus(printed).map(s -> number(s, 1) >= 5_000 && number(s, 2) >= 1).orElse(false),
          "a status line with 5,000 flows and an edge out");
      await(exit, printed, () -> UpCommand.count("http://127.0.0.1:" + esPort, "flowtel-traffic") > 0,
          "traffic documents in Elasticsearch");
      up.interrupt();
      code = exit.get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
    } finally {
      if (!exit.isDone()) {
        up.interrupt();
        exit.get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
      }
      System.setOut(console);
    }
    assertThat(code).isZero();
    String output = printed.toString();
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

  private static String get(String url) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static java.util.Optional<String> lastStatus(ByteArrayOutputStream printed) {
    Matcher m = STATUS_LINE.matcher(printed.toString());
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return java.util.Optional.ofNullable(last);
  }

  private static long number(String statusLine, int group) {
    Matcher m = STATUS_LINE.matcher(statusLine);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(group).replace(",", ""));
  }

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
