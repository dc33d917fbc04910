package dev.flowtel.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.streams.testing.FinalRevisions;
import dev.flowtel.streams.testing.AppProgress;
import dev.flowtel.streams.testing.AppTopics;
import dev.flowtel.streams.testing.SimulatedInput;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the application running as its own process (the shaded jar, exactly_once_v2, RocksDB) on a
 * real broker, when the instance that built and committed the state of the first flows is killed,
 * the next one is killed in the middle of more flows with its transaction open, and a third starts
 * on the same state directory and reads the rest (a clock flow last, to close every window), then a
 * read_committed consumer sees every ServiceTraffic and PolicyAnomaly at the same final revision as
 * the TopologyTestDriver's uninterrupted run, and no revision twice: what the killed process wrote
 * in its open transaction is aborted, and the state it had built comes back from the changelogs.
 *
 * <p>The traffic windows are pre-combined on the heap between commits (each instance catches up on
 * a backlog, so each commit covers many flows per window): the first instance's commits must carry
 * the windows still open when it dies, and the second's heap dies with it. With the commit hook that
 * writes them ({@code BeforeCommit}) switched off, this test failed on the traffic windows
 * (2026-12-05).
 */
@WithKafka
@Timeout(900) // a safety net: on a busy 2-core machine this test takes 2.5x its idle ~140 s
class CrashRecoveryIT {

  private static final Path JAR = Path.of("target", "flowtel-streams.jar");

  @Test
  void aKilledInstanceRestartsWithoutLosingOrRepeatingAnyResult(KafkaFixture kafka) throws Exception {
    assertThat(JAR).as("the shaded jar, built by `package` before the ITs").exists();
    AppTopics topics = AppTopics.create(kafka.bootstrapServers(), "it.crash", 1);
    String run = topics.run();
    String flows = topics.flows();
    String group = "it-crash-" + run;
    Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    SimulatedInput input = SimulatedInput.of(SimulatorSettings.defaults().withSeed(78).withFlowsPerSecond(20)
        .withDuration(Duration.ofMinutes(6)).withStart(start)
        .withEpisodes(List.of(new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(2), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofMinutes(4), Duration.ofMinutes(1), null))));
    String[] detection = {"--learning-period", "1m", "--window", "10s", "--rollup", "1m"};
    // Event time runs on to every last result on the records alone, not on the wall clock (--idleness 1h).
    input.appendClockFlow(detection);
    // What the TopologyTestDriver computes for the same input, worked out while the processes run.
    CompletableFuture<SimulatedInput.Expected> expectedMeanwhile = input.expectedMeanwhile(detection);

    // A restarted instance gets the partition once the killed member's session ends: 6 s, not 45.
    Path client = Files.writeString(Files.createTempFile("flowtel-crash-it", ".properties"),
        "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    // The instance that is killed in the middle commits every 10 minutes, so the transaction it
    // writes the new flows' results in is open until it dies (and not aborted by the broker first).
    Path neverCommitting = Files.writeString(Files.createTempFile("flowtel-crash-it", ".properties"),
        "session.timeout.ms=6000\nheartbeat.interval.ms=1000\nproducer.transaction.timeout.ms=900000\n");
    Path stateDir = Files.createTempDirectory("flowtel-streams-crash");
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--application-id", group,
        "--state-dir", stateDir.toString(), "--http-port", "-1", "--idleness", "1h"));
    args.addAll(topics.options());
    args.addAll(List.of(detection));
    int all = input.flows.size();
    int half = all / 2;
    int threeQuarters = half + (all - half) / 2;
    input.produceState(kafka.bootstrapServers(), topics.state());
    input.produceFlows(kafka.bootstrapServers(), flows, 0, half);

    // The first instance builds state from the first half of the flows and commits it; then it dies.
    Process first = launch(args, client, "500ms", "first");
    try {
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), group, flows, Duration.ofSeconds(600));
      assertThat(first.isAlive()).as("the first process ran until killed; see target/crash-recovery-it/first.log").isTrue();
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // The second takes over on the same state directory, and dies in the middle of more flows, with
    // the transaction holding their results open.
    List<String> written = new ArrayList<>(List.of(topics.traffic(), topics.anomalies(), topics.dlq()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      written.addAll(AppProgress.repartitionTopics(admin, group));
    }
    Map<TopicPartition, Long> before = ends(kafka, written);
    input.produceFlows(kafka.bootstrapServers(), flows, half, threeQuarters);
    Process second = launch(args, neverCommitting, "10m", "second");
    try {
      List<TopicPartition> open = awaitOpenTransactionWithNewRecords(kafka, written, before, Duration.ofSeconds(600));
      assertThat(second.isAlive()).as("the second process ran until killed; see target/crash-recovery-it/second.log").isTrue();
      System.out.println("killing the second process with a transaction open on " + open);
    } finally {
      second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    input.produceFlows(kafka.bootstrapServers(), flows, threeQuarters, all);
    Process third = launch(args, client, "500ms", "third");
    try {
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), group, flows, Duration.ofSeconds(600));
      SimulatedInput.Expected expected = expectedMeanwhile.get(180, TimeUnit.SECONDS);
      assertThat(expected.anomalies()).extracting(a -> a.getType().name()).contains("PORT_SCAN", "POLICY_VIOLATION");
      WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
      WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
      List<ServiceTraffic> actualTraffic = SimulatedInput.readCommitted(kafka.bootstrapServers(), topics.traffic(),
          Duration.ofSeconds(60)).stream().map(r -> trafficCodec.decode(r.value()).orElseThrow()).toList();
      List<PolicyAnomaly> actualAnomalies = SimulatedInput.readCommitted(kafka.bootstrapServers(), topics.anomalies(),
          Duration.ofSeconds(60)).stream().map(r -> anomalyCodec.decode(r.value()).orElseThrow()).toList();

      assertThat(FinalRevisions.traffic(actualTraffic)).isEqualTo(FinalRevisions.traffic(expected.traffic()));
      assertThat(FinalRevisions.anomalies(actualAnomalies)).isEqualTo(FinalRevisions.anomalies(expected.anomalies()));
      assertThat(revisions(actualTraffic, TrafficWindows::recordKey, ServiceTraffic::getRevision))
          .allSatisfy((key, seen) -> assertThat(seen).as("revisions of %s, in the order written", key)
              .containsExactlyElementsOf(range(seen.size())));
      assertThat(revisions(actualAnomalies, PolicyAnomaly::getId, PolicyAnomaly::getRevision))
          .allSatisfy((id, seen) -> assertThat(seen).as("revisions of %s, in the order written", id)
              .containsExactlyElementsOf(range(seen.size())));
    } finally {
      third.destroy();
      third.waitFor(30, TimeUnit.SECONDS);
      third.destroyForcibly();
    }
  }

  /**
   * Waits until a transaction is open on one of {@code topics} that holds records written after
   * {@code before} (their ends then): the running instance's, as the previous one is dead and the
   * new one aborted what that left open before writing. Returns the partitions it is open on.
   */
  private static List<TopicPartition> awaitOpenTransactionWithNewRecords(KafkaFixture kafka, List<String> topics,
      Map<TopicPartition, Long> before, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      while (true) {
        Map<TopicPartition, Long> now = ends(kafka, topics);
        List<TopicPartition> open = AppProgress.openTransactions(admin, topics).stream()
            .filter(p -> now.get(p) > before.getOrDefault(p, 0L)).toList();
        if (!open.isEmpty()) {
          return open;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no transaction of the second process was open within " + timeout
              + " (is --processing-guarantee exactly_once_v2?); see target/crash-recovery-it/second.log");
        }
        Thread.sleep(50); // how often to look, not what is waited for
      }
    }
  }

  /** The ends (high watermarks, open transactions included) of the topics' partitions. */
  private static Map<TopicPartition, Long> ends(KafkaFixture kafka, List<String> topics) throws Exception {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      return consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }
  }

  private static Process launch(List<String> args, Path kafkaProperties, String commitInterval, String name)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar",
        JAR.toString()));
    command.addAll(args);
    command.addAll(List.of("--kafka-properties", kafkaProperties.toString(), "--commit-interval", commitInterval));
    Path log = Files.createDirectories(Path.of("target", "crash-recovery-it")).resolve(name + ".log");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static <T> Map<String, List<Integer>> revisions(List<T> records, Function<T, String> key, Function<T, Integer> revision) {
    Map<String, List<Integer>> seen = new TreeMap<>();
    records.forEach(r -> seen.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(revision.apply(r)));
    return seen;
  }

  private static List<Integer> range(int n) {
    return java.util.stream.IntStream.range(0, n).boxed().toList();
  }
}
