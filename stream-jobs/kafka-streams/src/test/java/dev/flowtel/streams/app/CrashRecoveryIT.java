package dev.flowtel.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.streams.parity.FinalRevisions;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the application running as its own process (the shaded jar, exactly_once_v2, RocksDB) on a
 * real broker, when it is killed with SIGKILL while new flows arrive, and started again on the same
 * state directory, then a read_committed consumer sees every ServiceTraffic and PolicyAnomaly at the
 * same final revision as the TopologyTestDriver's uninterrupted run, and no revision twice: what
 * the killed process wrote in its open transaction is aborted, and the state it had built comes
 * back from the changelogs.
 */
@WithKafka
@Timeout(300)
class CrashRecoveryIT {

  private static final Path JAR = Path.of("target", "flowtel-streams.jar");

  @Test
  void aKilledInstanceRestartsWithoutLosingOrRepeatingAnyResult(KafkaFixture kafka) throws Exception {
    assertThat(JAR).as("the shaded jar, built by `package` before the ITs").exists();
    AppTopics topics = AppTopics.create(kafka.bootstrapServers(), "it.crash", 1);
    String run = topics.run();
    String flows = topics.flows();
    Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    SimulatedInput input = SimulatedInput.of(SimulatorSettings.defaults().withSeed(78).withFlowsPerSecond(20)
        .withDuration(Duration.ofMinutes(6)).withStart(start)
        .withEpisodes(List.of(new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(2), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofMinutes(4), Duration.ofMinutes(1), null))));
    String[] detection = {"--learning-period", "1m", "--window", "10s", "--rollup", "1m"};
    SimulatedInput.Expected expected = input.expected(detection);
    assertThat(expected.anomalies()).extracting(a -> a.getType().name()).contains("PORT_SCAN", "POLICY_VIOLATION");

    // The restarted instance gets the partition once the killed member's session ends: 6 s, not 45.
    Path client = Files.writeString(Files.createTempFile("flowtel-crash-it", ".properties"),
        "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties",
        client.toString(), "--application-id",
        "it-crash-" + run, "--state-dir", Files.createTempDirectory("flowtel-streams-crash").toString(),
        "--http-port", "-1", "--commit-interval", "500ms", "--idleness", "2s"));
    args.addAll(topics.options());
    args.addAll(List.of(detection));
    int half = input.flows.size() / 2;
    input.produceState(kafka.bootstrapServers(), topics.state());
    input.produceFlows(kafka.bootstrapServers(), flows, 0, half);

    Process first = launch(args, "first");
    try {
      awaitCommitted(kafka, "it-crash-" + run, new TopicPartition(flows, 0), half, Duration.ofSeconds(120));
      // More flows arrive, and the process dies in the middle of them, with a transaction open.
      input.produceFlows(kafka.bootstrapServers(), flows, half, half + (input.flows.size() - half) / 2);
      Thread.sleep(300);
      assertThat(first.isAlive()).as("the first process ran until killed; see target/crash-recovery-it/first.log").isTrue();
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    input.produceFlows(kafka.bootstrapServers(), flows, half + (input.flows.size() - half) / 2, input.flows.size());
    Process second = launch(args, "second");
    try {
      awaitCommitted(kafka, "it-crash-" + run, new TopicPartition(flows, 0), input.flows.size(), Duration.ofSeconds(120));
      WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
      WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
      // Every window closes once event time runs on with the wall clock (--idleness 2s).
      List<ServiceTraffic> actualTraffic = awaitFinal(kafka, topics.traffic(), b -> trafficCodec.decode(b).orElseThrow(), FinalRevisions::traffic,
          FinalRevisions.traffic(expected.traffic()));
      List<PolicyAnomaly> actualAnomalies = awaitFinal(kafka, topics.anomalies(), b -> anomalyCodec.decode(b).orElseThrow(), FinalRevisions::anomalies,
          FinalRevisions.anomalies(expected.anomalies()));

      assertThat(FinalRevisions.traffic(actualTraffic)).isEqualTo(FinalRevisions.traffic(expected.traffic()));
      assertThat(FinalRevisions.anomalies(actualAnomalies)).isEqualTo(FinalRevisions.anomalies(expected.anomalies()));
      assertThat(revisions(actualTraffic, TrafficWindows::recordKey, ServiceTraffic::getRevision))
          .allSatisfy((key, seen) -> assertThat(seen).as("revisions of %s, in the order written", key)
              .containsExactlyElementsOf(range(seen.size())));
      assertThat(revisions(actualAnomalies, PolicyAnomaly::getId, PolicyAnomaly::getRevision))
          .allSatisfy((id, seen) -> assertThat(seen).as("revisions of %s, in the order written", id)
              .containsExactlyElementsOf(range(seen.size())));
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
      second.destroyForcibly();
    }
  }

  private static Process launch(List<String> args, String name) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar",
        JAR.toString()));
    command.addAll(args);
    Path log = Files.createDirectories(Path.of("target", "crash-recovery-it")).resolve(name + ".log");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static long committed(KafkaFixture kafka, String group, TopicPartition partition) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS).get(partition);
      return offset == null ? 0 : offset.offset();
    }
  }

  private static void awaitCommitted(KafkaFixture kafka, String group, TopicPartition partition, long offset, Duration timeout)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(partition).offset();
      assertThat(end).as("flows written").isGreaterThanOrEqualTo(offset);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = 0;
    while (System.nanoTime() < deadline) {
      committed = committed(kafka, group, partition);
      if (committed >= offset) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the app committed " + committed + " of " + offset + " flows within " + timeout
        + "; see target/crash-recovery-it/*.log");
  }

  /** Reads the topic until its final revisions equal {@code expected} or 150 s pass; returns every record read. */
  private static <T, K> List<T> awaitFinal(KafkaFixture kafka, String topic, Function<byte[], T> decode,
      Function<List<T>, Map<K, T>> finals, Map<K, T> expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    List<T> records;
    do {
      records = SimulatedInput.readCommitted(kafka.bootstrapServers(), topic, expected.size(), Duration.ofSeconds(10))
          .stream().map(r -> decode.apply(r.value())).toList();
    } while (!finals.apply(records).equals(expected) && System.nanoTime() < deadline);
    return records;
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
