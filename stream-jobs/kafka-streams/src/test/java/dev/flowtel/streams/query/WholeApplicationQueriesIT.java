package dev.flowtel.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.streams.app.FlowtelStreamsApp;
import dev.flowtel.streams.app.StreamsAppConfig;
import dev.flowtel.streams.testing.AppProgress;
import dev.flowtel.streams.testing.AppTopics;
import dev.flowtel.streams.testing.ClockFlow;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given two instances of the application (same application id, own state directories and HTTP
 * ports) each holding one of the two partitions of the flows topic, when four minutes of
 * simulated traffic with anomalies, and a clock flow on each partition that takes event time past
 * the last window, are processed and committed, then asking either instance for the top edges
 * (of the latest window, and of an earlier one) or the open anomalies gives the same answer, which
 * is the merge of what each instance holds ({@code scope=local}), and each instance's own answer is
 * a strict part of it.
 */
@WithKafka
@Timeout(900) // a safety net: idle ~30 s, but minutes on a machine whose cores are busy
class WholeApplicationQueriesIT {

  private static final int FLOWS_PARTITIONS = 2;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @Test
  void eitherInstanceAnswersForTheWholeApplication(KafkaFixture kafka) throws Exception {
    AppTopics topics = AppTopics.create(kafka.bootstrapServers(), "it", FLOWS_PARTITIONS);
    String flows = topics.flows();
    String state = topics.state();
    String applicationId = "it-fleet-" + topics.run();
    List<String> options = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--application-id",
        applicationId, "--http-port", "0", "--http-host", "127.0.0.1", "--commit-interval", "500ms",
        "--idleness", "1h", "--window", "10s", "--rollup", "0", "--learning-period", "1m", "--cooldown", "1h",
        "--query-retention", "1h", "--peer-query-timeout", "30s"));
    options.addAll(topics.options());

    try (FlowtelStreamsApp a = start(options); FlowtelStreamsApp b = start(options)) {
      awaitOneFlowsPartitionEach(flows, a, b);
      String lastFlows = produce(kafka, flows, state);
      String baseA = "http://127.0.0.1:" + a.httpPort();
      String baseB = "http://127.0.0.1:" + b.httpPort();

      // Once both instances have processed and committed every record (the clock flows last), their
      // stores no longer change: nothing moves event time but records. Then every answer is taken
      // once all eight are given (an instance answers 503 during a rebalance).
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), applicationId, flows, Duration.ofSeconds(600));
      Snapshot s = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (s == null && System.nanoTime() < deadline) {
        Snapshot next = new Snapshot(tryGet(baseA + "/edges/top?n=10000&window=latest&scope=local"),
            tryGet(baseB + "/edges/top?n=10000&window=latest&scope=local"), tryGet(baseA + "/edges/top?n=10000&window=latest"),
            tryGet(baseB + "/edges/top?n=10000&window=latest"), tryGet(baseA + "/anomalies/open?scope=local"),
            tryGet(baseB + "/anomalies/open?scope=local"), tryGet(baseA + "/anomalies/open"), tryGet(baseB + "/anomalies/open"));
        if (next.complete()) {
          s = next;
        } else {
          Thread.sleep(200); // how often to ask, not what is waited for
        }
      }
      assertThat(s).as("every instance answered every query at least once").isNotNull();
      TopEdges localA = TopEdges.fromJson(s.localTopA);
      TopEdges localB = TopEdges.fromJson(s.localTopB);
      assertThat(localA.windowStart()).as("both instances emitted the latest window (last flows: %s)", lastFlows).isNotNull()
          .isEqualTo(localB.windowStart());
      TopEdges union = QueryMerge.topEdges(10_000, localA.windowStart(), List.of(localA, localB));
      assertThat(s.topA.get("partial").asBoolean()).isFalse();
      assertThat(s.topA.get("failedInstances")).isEmpty();
      assertThat(TopEdges.fromJson(s.topA)).isEqualTo(union);
      assertThat(TopEdges.fromJson(s.topB)).isEqualTo(union);
      assertThat(localA.edges()).isNotEmpty().hasSizeLessThan(union.edges().size());
      assertThat(localB.edges()).isNotEmpty().hasSizeLessThan(union.edges().size());

      List<OpenAnomaly> openA = anomalies(s.localOpenA);
      List<OpenAnomaly> openB = anomalies(s.localOpenB);
      List<OpenAnomaly> allOpen = QueryMerge.openAnomalies(List.of(openA, openB));
      assertThat(anomalies(s.openA)).isEqualTo(allOpen);
      assertThat(anomalies(s.openB)).isEqualTo(allOpen);
      assertThat(openA).isNotEmpty().hasSizeLessThan(allOpen.size());
      assertThat(openB).isNotEmpty().hasSizeLessThan(allOpen.size());

      // An earlier window, named by an instant inside it, and only the top three.
      String earlier = localA.windowStart().minusSeconds(25).toString();
      TopEdges earlierA = TopEdges.fromJson(get(baseA + "/edges/top?n=3&scope=local&window=" + earlier));
      TopEdges earlierB = TopEdges.fromJson(get(baseB + "/edges/top?n=3&scope=local&window=" + earlier));
      TopEdges earlierUnion = QueryMerge.topEdges(3, earlierA.windowStart(), List.of(earlierA, earlierB));
      assertThat(earlierUnion.windowStart()).isEqualTo(localA.windowStart().minusSeconds(30));
      assertThat(earlierUnion.edges()).hasSize(3);
      assertThat(TopEdges.fromJson(get(baseA + "/edges/top?n=3&window=" + earlier))).isEqualTo(earlierUnion);
      assertThat(TopEdges.fromJson(get(baseB + "/edges/top?n=3&window=" + earlier))).isEqualTo(earlierUnion);

      HttpResponse<String> badScope = http.send(HttpRequest.newBuilder(URI.create(baseA + "/anomalies/open?scope=nearby")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(badScope.statusCode()).isEqualTo(400);
    }
  }

  /** Eight answers taken together: each instance's own, and each instance's for the whole application. */
  private record Snapshot(JsonNode localTopA, JsonNode localTopB, JsonNode topA, JsonNode topB, JsonNode localOpenA,
      JsonNode localOpenB, JsonNode openA, JsonNode openB) {

    boolean complete() {
      return java.util.stream.Stream.of(localTopA, localTopB, topA, topB, localOpenA, localOpenB, openA, openB)
          .allMatch(java.util.Objects::nonNull);
    }

  }

  private static FlowtelStreamsApp start(List<String> options) throws Exception {
    List<String> own = new ArrayList<>(options);
    own.addAll(List.of("--state-dir", Files.createTempDirectory("flowtel-streams-fleet-it").toString()));
    return FlowtelStreamsApp.start(StreamsAppConfig.parse(own.toArray(String[]::new)));
  }

  /** Both running, each with one of the flows topic's partitions, before any flow is written. */
  private static void awaitOneFlowsPartitionEach(String flows, FlowtelStreamsApp a, FlowtelStreamsApp b) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    Set<TopicPartition> ofA = Set.of();
    Set<TopicPartition> ofB = Set.of();
    while (System.nanoTime() < deadline) {
      if (a.awaitRunning(Duration.ofSeconds(1)) && b.awaitRunning(Duration.ofSeconds(1))) {
        ofA = flowsPartitions(a, flows);
        ofB = flowsPartitions(b, flows);
        if (ofA.size() == 1 && ofB.size() == 1) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the two instances did not each get one flows partition: " + ofA + " and " + ofB);
  }

  private static Set<TopicPartition> flowsPartitions(FlowtelStreamsApp app, String flows) {
    Set<TopicPartition> out = new java.util.HashSet<>();
    app.streams().metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
        task.topicPartitions().stream().filter(tp -> tp.topic().equals(flows)).forEach(out::add)));
    return out;
  }

  /**
   * Four minutes of a simulated cluster, 20 flows/s, keyed by service edge as the collector writes
   * them (to the partition of the key, as the default partitioner does), then on each partition a
   * {@link ClockFlow} that takes its event time past the last window.
   */
  private static String produce(KafkaFixture kafka, String flows, String state) {
    Instant start = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.MINUTES);
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(31).withFlowsPerSecond(20)
        .withDuration(Duration.ofMinutes(4)).withStart(start)
        .withEpisodes(List.of(new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofSeconds(90), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.NEW_EDGE, Duration.ofSeconds(100), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofSeconds(110), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.EXTERNAL_EGRESS, Duration.ofSeconds(120), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.IP_SWEEP, Duration.ofSeconds(130), Duration.ofMinutes(1), null)));
    WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
    WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
    try (var producer = InputProducer.create(kafka.bootstrapServers())) {
      List<ProducerRecord<byte[], byte[]>> flowRecords = new ArrayList<>();
      ClusterSimulator.of(settings).run(new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          byte[] key = edgeKey.getBytes(StandardCharsets.UTF_8);
          flowRecords.add(new ProducerRecord<>(flows, BuiltInPartitioner.partitionForKey(key, FLOWS_PARTITIONS), key,
              flowCodec.encode(flow)));
        }

        @Override
        public void clusterState(ClusterStateRecord r) {
          producer.send(new ProducerRecord<>(state, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8),
              r.value() == null ? null : stateCodec.encode(r.value())));
        }
      });
      producer.flush(); // the cluster state first, as in a running cluster
      flowRecords.forEach(producer::send);
      Instant lastEnd = flowRecords.stream().map(r -> ClockFlow.endOf(r.value())).max(Comparator.naturalOrder()).orElseThrow();
      List<String> lastFlows = new ArrayList<>();
      Instant clock = ClockFlow.afterLastWindow(lastEnd, Duration.ofSeconds(10), Duration.ofSeconds(5));
      for (int partition = 0; partition < FLOWS_PARTITIONS; partition++) {
        int p = partition;
        ProducerRecord<byte[], byte[]> last = flowRecords.stream().filter(r -> r.partition() == p && ClockFlow.counts(r.value())).reduce((x, y) -> y)
            .orElseThrow(() -> new IllegalStateException("no counted flow on partition " + p));
        producer.send(new ProducerRecord<>(flows, p, last.key(), ClockFlow.movedTo(last.value(), clock)));
        lastFlows.add("partition " + p + " ends at " + flowRecords.stream().filter(r -> r.partition() == p)
            .map(r -> ClockFlow.endOf(r.value())).max(Comparator.naturalOrder()).orElseThrow());
      }
      producer.flush();
      return lastFlows + ", clock flows at " + clock;
    }
  }

  private List<OpenAnomaly> anomalies(JsonNode array) {
    List<OpenAnomaly> out = new ArrayList<>();
    array.forEach(a -> out.add(OpenAnomaly.fromJson(a)));
    return out;
  }

  /** The answer, or null while the instance cannot give it (e.g. 503 during a rebalance). */
  private JsonNode tryGet(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? json.readTree(response.body()) : null;
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " answered " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }
}
