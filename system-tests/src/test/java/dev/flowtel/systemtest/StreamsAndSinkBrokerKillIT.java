package dev.flowtel.systemtest;

import static dev.flowtel.systemtest.PublishedFlows.LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.publish.FlowPublisher;
import dev.flowtel.localstack.KafkaCluster;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.sink.elasticsearch.service.SinkService;
import dev.flowtel.sink.elasticsearch.service.SinkServiceSettings;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.streams.app.FlowtelStreamsApp;
import dev.flowtel.streams.app.StreamsAppConfig;
import dev.flowtel.streams.testing.AppProgress;
import dev.flowtel.streams.testing.ClockFlow;
import dev.flowtel.systemtest.FleetQueryWatch.Answer;
import dev.flowtel.systemtest.FleetQueryWatch.Kind;
import dev.flowtel.testing.CommittedRecords;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.WithElasticsearch;
import dev.flowtel.testing.WithKafkaCluster;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the three-node Kafka cluster, the collector's publisher writing simulated flows (with a port
 * scan and an IP sweep in them), three instances of the Kafka Streams app (exactly_once_v2, one
 * standby replica of every store) and the Elasticsearch sink (read_committed), when the leader of a
 * flows partition is SIGKILLed once the app has committed part of it, and the rest of the flows
 * are published and processed with that node down, then:
 * <ul>
 *   <li>every query for the whole application, put to any instance all along, answers completely
 *       or says it is partial (or, while partitions move, asks to retry): never an error;</li>
 *   <li>with the node still down and all the input committed, each instance's answer for the latest
 *       window holds exactly the windows a read_committed consumer finds for it;</li>
 *   <li>once the node is back: every flow on the flows topic once, no late flow dead-lettered, every
 *       window and anomaly at revisions 0, 1, 2, ... once each, the windows' final revisions summing
 *       to exactly the flows' bytes and packets, and Elasticsearch holding every window and anomaly
 *       once, at its final revision, with the same sums.</li>
 * </ul>
 *
 * <p>Nightly: about three minutes, most of it the app catching up with the node down (its producers
 * retry for up to a minute after the kill), which the CI budget has no room for.
 */
@Tag("nightly")
@WithKafkaCluster
@WithElasticsearch
@Timeout(420)
class StreamsAndSinkBrokerKillIT {

  private static final int PARTITIONS = 2;
  private static final int INSTANCES = 3;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  /** The spool replays what the dead leader did not acknowledge behind newer flows: they must not count as late. */
  private static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(10);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  @Test
  void aBrokerKilledUnderTheStreamsAppAndTheSinkLosesNothingAndQueriesSayWhatTheyLack(KafkaCluster cluster,
      ElasticsearchFixture elasticsearch) throws Exception {
    String flowsTopic = "it.kskill.flows." + run;
    String stateTopic = "it.kskill.state." + run;
    String trafficTopic = "it.kskill.traffic." + run;
    String anomaliesTopic = "it.kskill.anomalies." + run;
    String dlqTopic = "it.kskill.dlq." + run;
    String application = "it-kskill-" + run;
    try (Admin admin = cluster.admin()) {
      // Replication factor 3 and min ISR 2 are the cluster's; results carry event times from the past.
      NewTopics.create(admin, List.of(new NewTopic(flowsTopic, PARTITIONS, (short) 3), new NewTopic(stateTopic, 1, (short) 3),
              new NewTopic(trafficTopic, PARTITIONS, (short) 3), new NewTopic(anomaliesTopic, 1, (short) 3),
              new NewTopic(dlqTopic, 1, (short) 3)).stream()
          .map(t -> t.configs(Map.of("retention.ms", "-1"))).toList());
    }
    IndexNames names = new IndexNames("it" + run + "-");
    try (ElasticsearchClients es = ElasticsearchClients.open(ElasticsearchConnection.to(elasticsearch.url()))) {
      new IndexSetup(es.rest(), IndexSettings.defaults(names).withReplicas(0).withRefreshInterval("1s")).install();
    }

    Input input = simulate();
    List<LabeledFlow> flows = new ArrayList<>(input.flows());
    List<String> options = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(), "--application-id",
        application, "--standby-replicas", "1", "--processing-guarantee", "exactly_once_v2", "--commit-interval", "500ms",
        "--http-port", "0", "--http-host", "127.0.0.1", "--peer-query-timeout", "5s", "--flows-topic", flowsTopic,
        "--cluster-state-topic", stateTopic, "--traffic-topic", trafficTopic, "--anomalies-topic", anomaliesTopic,
        "--dlq-topic", dlqTopic, "--window", WINDOW.toSeconds() + "s", "--rollup", "0", "--max-out-of-orderness",
        OUT_OF_ORDERNESS.toMinutes() + "m", "--idleness", "1h", "--query-retention", "24h", "--learning-period", "1m"));

    CollectorMetrics metrics = new CollectorMetrics();
    List<FlowtelStreamsApp> apps = new ArrayList<>();
    SinkService sink = new SinkService(SinkServiceSettings.defaults(cluster.bootstrapServers(),
            ElasticsearchConnection.to(elasticsearch.url())).withGroupId("it-kskill-sink-" + run).withNames(names)
        .withWriter(WriterSettings.defaults().withBatch(500, 1 << 20, Duration.ofMillis(200))
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)))
        .withTopics(trafficTopic, anomaliesTopic, flowsTopic, dlqTopic));
    Thread sinkThread = new Thread(() -> {
      try {
        sink.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sink-under-test");
    int killed = -1;
    FleetQueryWatch watch = null;
    try {
      for (int i = 0; i < INSTANCES; i++) {
        List<String> own = new ArrayList<>(options);
        own.addAll(List.of("--state-dir", Files.createTempDirectory(Path.of("target"), "streams-kill-").toString()));
        apps.add(FlowtelStreamsApp.start(StreamsAppConfig.parse(own.toArray(String[]::new))));
      }
      for (FlowtelStreamsApp app : apps) {
        assertThat(app.awaitRunning(LIMIT)).as("instance running").isTrue();
      }
      sinkThread.start();
      List<String> bases = apps.stream().map(a -> "http://127.0.0.1:" + a.httpPort()).toList();

      try (FlowPublisher publisher = PublishedFlows.publisher(cluster, flowsTopic, stateTopic, metrics)) {
        input.state().forEach(r -> publisher.clusterState(r.key(), r.value()));
        int half = flows.size() / 2;
        PublishedFlows.hand(publisher, flows.subList(0, half));
        // Mid-run: the app has read part of flows partition 0 and committed that in a transaction.
        TopicPartition p0 = new TopicPartition(flowsTopic, 0);
        await().atMost(LIMIT).until(() -> PublishedFlows.committed(cluster, application).getOrDefault(p0, 0L) > 0);
        watch = FleetQueryWatch.start(bases);
        killed = cluster.leaderOf(flowsTopic, 0);
        watch.brokerDown(true);
        cluster.kill(killed);
        PublishedFlows.hand(publisher, flows.subList(half, flows.size()));
        int newLeader = cluster.awaitNewLeader(flowsTopic, 0, killed, LIMIT);
        System.out.printf("[StreamsAndSinkBrokerKillIT] killed node %d, leader of %s-0 with offset %d committed there; node %d leads it now%n",
            killed, flowsTopic, PublishedFlows.committed(cluster, application).get(p0), newLeader);
        await().atMost(LIMIT).until(() -> metrics.publishedCount() >= flows.size() + input.state().size());
        // Last on each partition, once every flow is there: the clock flow that closes the last windows.
        List<LabeledFlow> clocks = clockFlows(flows);
        PublishedFlows.hand(publisher, clocks);
        await().atMost(LIMIT).until(() -> metrics.publishedCount() >= flows.size() + input.state().size() + clocks.size());
        flows.addAll(clocks);
      }

      // The node stays down while the app processes and commits the whole input.
      AppProgress.awaitAllInputCommitted(cluster.bootstrapServers(), application, flowsTopic, LIMIT);
      assertThat(cluster.isRunning(killed)).isFalse();
      Map<String, ServiceTraffic> windowsWithANodeDown = CommittedResults.traffic(cluster, trafficTopic);
      for (String base : bases) {
        assertLatestWindowAnswer(base, watch, windowsWithANodeDown);
      }
      System.out.printf("[StreamsAndSinkBrokerKillIT] with node %d down: %d flows published, %d through the spool; answers %s%n",
          killed, metrics.publishedCount(), metrics.spooledCount(), watch.answers().stream()
              .collect(Collectors.groupingBy(Answer::kind, Collectors.counting())));
      // Queries go on while the node comes back and leaders move back to it.
      cluster.restart(killed);
      killed = -1;
      watch.brokerDown(false);
      watch.close();

      List<Answer> answers = watch.answers();
      assertThat(answers).as("answers that are neither complete nor say they are partial or to retry")
          .filteredOn(a -> a.kind() == Kind.ERROR).isEmpty();
      assertThat(answers).as("answers given with the node down").filteredOn(a -> a.brokerDown() && a.status() == 200).isNotEmpty();
      assertThat(answers).as("answers that name failed instances say partial")
          .filteredOn(a -> a.kind() == Kind.COMPLETE && !a.detail().isEmpty()).isEmpty();
      assertEdgesAsCommitted(answers, windowsWithANodeDown);

      assertThat(metrics.lostCount(CollectorMetrics.LOST_HANDOFF)).isZero();
      PublishedFlows.assertArrivedOnce(cluster, flowsTopic, flows);
      assertThat(CommittedRecords.readToEnd(cluster.bootstrapServers(), dlqTopic, LIMIT)).as("dead-lettered flows").isEmpty();
      // Read again with every node up: the same windows.
      Map<String, ServiceTraffic> windows = CommittedResults.traffic(cluster, trafficTopic);
      assertThat(windows).isEqualTo(windowsWithANodeDown);
      PublishedFlows.Totals counted = PublishedFlows.counted(flows.subList(0, flows.size() - PARTITIONS));
      CommittedResults.assertConserves(windows, counted);
      Map<String, PolicyAnomaly> anomalies = CommittedResults.anomalies(cluster, anomaliesTopic);
      assertThat(anomalies).as("anomalies found").isNotEmpty();

      long revisions = windows.values().stream().mapToLong(ServiceTraffic::getRevision).sum();
      long anomalyRevisions = anomalies.values().stream().mapToLong(PolicyAnomaly::getRevision).sum();
      String traffic = names.pattern(IndexNames.Kind.TRAFFIC);
      String alerts = names.pattern(IndexNames.Kind.ANOMALIES);
      await().atMost(LIMIT).pollInterval(Duration.ofMillis(500)).until(() -> count(elasticsearch, traffic) == windows.size()
          && sum(elasticsearch, traffic, "flowtel.revision") == revisions && count(elasticsearch, alerts) == anomalies.size()
          && sum(elasticsearch, alerts, "flowtel.revision") == anomalyRevisions);
      assertThat(sum(elasticsearch, traffic, "network.bytes")).as("bytes in Elasticsearch").isEqualTo(counted.bytes());
      assertThat(sum(elasticsearch, traffic, "network.packets")).as("packets in Elasticsearch").isEqualTo(counted.packets());
      System.out.printf("[StreamsAndSinkBrokerKillIT] %d flows, %d windows, %d anomalies (%d revisions after the first) in Kafka and Elasticsearch%n",
          flows.size(), windows.size(), anomalies.size(), anomalyRevisions);
      assertThat(cluster.underReplicated()).isEmpty();
    } finally {
      if (watch != null) {
        watch.close();
      }
      sink.stop();
      sinkThread.join(30_000);
      sink.close();
      apps.forEach(FlowtelStreamsApp::close);
      if (killed >= 0) {
        cluster.restart(killed);
      }
    }
  }

  /** The simulated cluster: its state, then four minutes of flows with a port scan and an IP sweep. */
  private record Input(List<ClusterStateRecord> state, List<LabeledFlow> flows) {}

  private static Input simulate() {
    Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(1616).withFlowsPerSecond(40)
        .withDuration(Duration.ofMinutes(4)).withStart(start)
        .withEpisodes(List.of(new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofSeconds(90), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.IP_SWEEP, Duration.ofSeconds(120), Duration.ofMinutes(1), null)));
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    List<ClusterStateRecord> state = new ArrayList<>(simulator.clusterState());
    state.addAll(simulator.clusterStateChanges());
    List<LabeledFlow> flows = simulator.stream().toList();
    return new Input(state, flows);
  }

  /** On each flows partition, a copy of its last counted flow moved past the last window (see {@link ClockFlow}). */
  private static List<LabeledFlow> clockFlows(List<LabeledFlow> flows) {
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    Instant lastEnd = flows.stream().map(f -> f.flow().getFlowEnd()).max(Comparator.naturalOrder()).orElseThrow();
    Instant clock = ClockFlow.afterLastWindow(lastEnd, WINDOW, OUT_OF_ORDERNESS);
    List<LabeledFlow> clocks = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      int partition = p;
      LabeledFlow last = flows.stream().filter(f -> PublishedFlows.partitionOf(f.edgeKey(), PARTITIONS) == partition)
          .filter(f -> ClockFlow.counts(codec.encode(f.flow()))).reduce((a, b) -> b).orElseThrow();
      FlowEvent moved = codec.decode(ClockFlow.movedTo(codec.encode(last.flow()), clock)).orElseThrow();
      clocks.add(new LabeledFlow(moved, last.edgeKey(), last.label()));
    }
    return clocks;
  }

  /**
   * With the input all committed (and the node still down), an instance's answer for the latest
   * window is complete and holds every window of it that a read_committed consumer finds, or says
   * it is partial and holds a part of them. Windows of folded ports (failed attempts, summed after a
   * repartition) are not queryable, so only those may be missing from a complete answer.
   */
  private static void assertLatestWindowAnswer(String base, FleetQueryWatch watch, Map<String, ServiceTraffic> windows) {
    Answer answer = await().atMost(LIMIT).pollInterval(Duration.ofMillis(200))
        .until(() -> watch.ask(base, "/edges/top?n=10000&window=latest"), a -> a.kind() != Kind.RETRY_LATER);
    assertThat(answer.kind()).as("%s answered %s", answer.url(), answer.detail()).isIn(Kind.COMPLETE, Kind.PARTIAL);
    Instant start = Instant.parse(answer.body().get("windowStart").asText());
    Instant latest = windows.values().stream().filter(t -> !t.getPortsFolded()).map(ServiceTraffic::getWindowStart)
        .max(Comparator.naturalOrder()).orElseThrow();
    Map<String, Long> committed = windows.values().stream().filter(t -> t.getWindowStart().equals(start))
        .collect(Collectors.toMap(dev.flowtel.core.traffic.TrafficWindows::edgeKey, t -> t.getBytesToDestination() + t.getBytesToSource()));
    Set<String> queryable = windows.values().stream().filter(t -> t.getWindowStart().equals(start) && !t.getPortsFolded())
        .map(dev.flowtel.core.traffic.TrafficWindows::edgeKey).collect(Collectors.toSet());
    Map<String, Long> answered = edges(answer.body());
    if (answer.kind() == Kind.COMPLETE) {
      assertThat(start).as("latest window answered by %s", base).isEqualTo(latest);
      assertThat(answered.keySet()).as("edges of the latest window answered by %s", base).containsAll(queryable);
    }
    assertThat(committed).as("committed windows of %s", start).containsAllEntriesOf(answered);
  }

  /** Every edge any answer named has the bytes of its committed window: no answer made anything up or went back. */
  private static void assertEdgesAsCommitted(List<Answer> answers, Map<String, ServiceTraffic> windows) {
    Map<String, Long> committed = windows.values().stream().collect(Collectors.toMap(
        t -> t.getWindowStart() + " " + dev.flowtel.core.traffic.TrafficWindows.edgeKey(t),
        t -> t.getBytesToDestination() + t.getBytesToSource()));
    for (Answer a : answers) {
      if (a.status() == 200 && a.body().has("edges") && a.body().hasNonNull("windowStart")) {
        String start = Instant.parse(a.body().get("windowStart").asText()).toString();
        edges(a.body()).forEach((edge, bytes) -> assertThat(committed.get(start + " " + edge))
            .as("%s in the answer to %s", edge, a.url()).isEqualTo(bytes));
      }
    }
  }

  private static Map<String, Long> edges(JsonNode topEdges) {
    Map<String, Long> out = new java.util.HashMap<>();
    topEdges.get("edges").forEach(e -> out.put(e.get("edge").asText(), e.get("bytes").asLong()));
    return out;
  }

  private long count(ElasticsearchFixture es, String pattern) throws Exception {
    return esQuery(es, pattern + "/_count?allow_no_indices=true", null).get("count").asLong();
  }

  private long sum(ElasticsearchFixture es, String pattern, String field) throws Exception {
    JsonNode response = esQuery(es, pattern + "/_search?allow_no_indices=true",
        "{\"size\":0,\"aggs\":{\"total\":{\"sum\":{\"field\":\"" + field + "\"}}}}");
    return response.get("aggregations").get("total").get("value").asLong();
  }

  private JsonNode esQuery(ElasticsearchFixture es, String pathAndQuery, String body) throws Exception {
    String index = pathAndQuery.substring(0, pathAndQuery.indexOf('/'));
    http.send(HttpRequest.newBuilder(URI.create(es.url() + "/" + index + "/_refresh?allow_no_indices=true"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(es.url() + "/" + pathAndQuery))
        .header("Content-Type", "application/json");
    request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s answered %s", pathAndQuery, response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }
}
