package dev.flowtel.flink.dns;

import static dev.flowtel.flink.dns.DnsPipelinesKafkaIT.MINUTE;
import static dev.flowtel.flink.dns.DnsPipelinesKafkaIT.pod;
import static dev.flowtel.flink.dns.DnsPipelinesKafkaIT.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.flink.testing.CheckpointOnDemandCluster;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.AvroClassTrust;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given DNS transactions on a topic of the real broker, when the traffic job (with its DNS part) is
 * stopped with a savepoint in the middle of a DNS window, as an upgrade stops it, and started again
 * from that savepoint while the rest of the transactions arrive, then every DnsActivity row is
 * written once, before or after the savepoint, and the window open at the savepoint counts the
 * queries of both runs: its accumulator (core's {@code DnsActivityAccumulator}, written by its own
 * serializer) came back from the savepoint whole. Restored with unclaimed state refused, so a DNS
 * operator missing from the restored job fails the restore. It waits for states, never for time.
 */
@WithKafka
@Timeout(300)
class DnsActivitySavepointIT {

  @BeforeAll
  static void trustAvroClasses() {
    AvroClassTrust.install();
  }

  @Test
  void theDnsWindowOpenAtTheSavepointCountsTheQueriesOfBothRunsAndNoRowIsWrittenTwice(KafkaFixture kafka, @TempDir Path work)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dns = "it.dns-savepoint." + run;
    String activity = "it.dns-savepoint-activity." + run;
    String group = "it-dns-savepoint-" + run;
    KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers());
    topics.create(1, dns, activity, "it.dns-savepoint-dlq." + run, "it.dns-savepoint-flows." + run, "it.dns-savepoint-traffic." + run);
    // Recent event times: the rows' record time is their window's end, which topic retention must keep.
    long t0 = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    // Three minutes of queries, one every 1.5 s in turn from two workloads to two names, some NXDOMAIN;
    // the savepoint falls after the first 90 s, half way through the second minute's window.
    List<DnsTransaction> transactions = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String workload = i % 2 == 0 ? "cart" : "web";
      String name = i % 3 == 0 ? "nope.example.com" : "api.example.com";
      transactions.add(transaction(pod(workload), name, t0 + 1_500L * i, name.startsWith("nope") ? 3 : 0, 500L + i));
    }
    int cut = 60;
    TopicPartition partition = new TopicPartition(dns, 0);
    String[] options = {"--bootstrap-servers", kafka.bootstrapServers(), "--flows-topic", "it.dns-savepoint-flows." + run,
        "--traffic-topic", "it.dns-savepoint-traffic." + run, "--dlq-topic", "it.dns-savepoint-dlq." + run, "--group-id", group,
        "--dns-topic", dns, "--dns-activity-topic", activity, "--starting-offsets", "earliest", "--rollup", "0",
        // Idleness is wall time: a pause between the runs must not declare the DNS partition idle.
        "--idleness", "1h", "--parallelism", "1", "--restart-attempts", "0"};

    String savepoint;
    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(2)) {
      topics.produce(dns, transactions.subList(0, cut).stream().map(DnsPipelinesKafkaIT::encode).toList(), i -> 0);
      savepoint = cluster.submit(environment(options), "DNS before the savepoint")
          .stopWithSavepointOnce(() -> topics.committedUpTo(group + "-dns", Map.of(partition, (long) cut)), work.resolve("savepoints"));
    }
    List<DnsActivity> before = decode(topics, activity);

    try (CheckpointOnDemandCluster cluster = CheckpointOnDemandCluster.start(2)) {
      topics.produce(dns, transactions.subList(cut, transactions.size()).stream().map(DnsPipelinesKafkaIT::encode).toList(), i -> 0);
      cluster.submit(environment(options), "DNS from the savepoint", SavepointRestoreSettings.forPath(savepoint, false))
          .drainOnce(() -> topics.committedUpTo(group + "-dns", Map.of(partition, (long) transactions.size())), work.resolve("drained"));
    }
    List<DnsActivity> all = decode(topics, activity);
    List<DnsActivity> after = all.subList(before.size(), all.size());

    long savepointTime = transactions.get(cut - 1).getQueryTime().toEpochMilli();
    assertThat(after).as("rows of windows open at the savepoint, closed by the restored job")
        .anyMatch(a -> a.getWindowStart().toEpochMilli() <= savepointTime && a.getWindowEnd().toEpochMilli() > savepointTime);
    Map<String, List<DnsActivity>> written = all.stream().collect(Collectors.groupingBy(DnsActivitySavepointIT::key, TreeMap::new,
        Collectors.toList()));
    Map<String, String> expected = expected(transactions, t0);
    assertThat(written.keySet()).as("client, name and window of every row").containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, List<DnsActivity>> row : written.entrySet()) {
      assertThat(row.getValue()).as("rows of %s (written once, before or after the savepoint)", row.getKey()).hasSize(1);
      DnsActivity a = row.getValue().get(0);
      assertThat("q " + a.getQueries() + " ok " + a.getNoError() + " nx " + a.getNxdomain() + " max " + a.getLatencyMaxMicros())
          .as(row.getKey()).isEqualTo(expected.get(row.getKey()));
    }
  }

  private static StreamExecutionEnvironment environment(String[] options) {
    TrafficAggregationConfig config = TrafficAggregationConfig.parse(options);
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(config.flinkConfiguration()));
    try {
      job.configure(env);
      CheckpointOnDemandCluster.checkpointOnlyOnDemand(env);
      job.attachTo(env);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the traffic job", e);
    }
    return env;
  }

  private static List<DnsActivity> decode(KafkaTopics topics, String activity) {
    WireCodec<DnsActivity> codec = WireCodec.of(RecordType.DNS_ACTIVITY);
    return topics.readCommitted(activity).stream().map(r -> codec.decode(r.value()).orElseThrow()).toList();
  }

  private static String key(DnsActivity a) {
    return a.getClient().getName() + "|" + a.getQueryName() + "@" + a.getWindowStart().toEpochMilli();
  }

  /** What each row must say, counted from the transactions themselves: one-minute windows from t0. */
  private static Map<String, String> expected(List<DnsTransaction> transactions, long t0) {
    Map<String, List<DnsTransaction>> byRow = transactions.stream().collect(Collectors.groupingBy(
        t -> t.getClient().getWorkloadName() + "|" + t.getQueryName() + "@"
            + (t0 + (t.getQueryTime().toEpochMilli() - t0) / MINUTE * MINUTE), TreeMap::new, Collectors.toList()));
    Map<String, String> expected = new TreeMap<>();
    byRow.forEach((row, ts) -> expected.put(row, "q " + ts.size()
        + " ok " + ts.stream().filter(t -> t.getResponseCode() == 0).count()
        + " nx " + ts.stream().filter(t -> t.getResponseCode() == 3).count()
        + " max " + ts.stream().mapToLong(t -> t.getLatencyNanos() / 1000).max().orElseThrow()));
    return expected;
  }
}
