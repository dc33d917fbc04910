package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithElasticsearch;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a short simulation on the real broker (its cluster state on a compacted topic, its flows
 * and a poison record on the flows topic) with a port scan and a policy violation after a 5-minute
 * learning period, when the deployed job (Kafka sources, transactional sinks) runs bounded on a
 * MiniCluster, then a read_committed consumer sees both anomalies keyed by their ids, the
 * poison record is in the DLQ with its reason, and Elasticsearch (the job's Sink V2, --es-url)
 * holds one document per anomaly id at its highest revision.
 */
@WithKafka
@WithElasticsearch
@Timeout(300)
class PolicyAnomalyKafkaIT {

  @Test
  void theDeployedJobFindsAnomaliesFromKafkaAndWritesThemExactlyOnceKeyedById(KafkaFixture kafka, ElasticsearchFixture elasticsearch)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String flows = "it.flows." + run;
    String state = "it.cluster-state." + run;
    String anomalies = "it.anomalies." + run;
    String dlq = "it.dlq." + run;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(flows, 2, (short) 1).configs(Map.of("retention.ms", "-1")),
          new NewTopic(state, 1, (short) 1).configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
          new NewTopic(anomalies, 1, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    ClusterSimulator sim = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(9201).withFlowsPerSecond(150)
        .withDuration(Duration.ofMinutes(14)).withEpisodesPerType(0).withEpisodes(List.of(
            new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(8), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofMinutes(10), Duration.ofMinutes(1), null))));
    WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
    WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
        "acks", "all", "linger.ms", 20), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ClusterStateRecord r : sim.clusterState()) {
        producer.send(new ProducerRecord<>(state, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8),
            stateCodec.encode(r.value())));
      }
      producer.send(new ProducerRecord<>(flows, 0, null, "poison".getBytes(StandardCharsets.UTF_8)));
      sim.run((flow, edgeKey, label) -> producer.send(new ProducerRecord<>(flows, Math.floorMod(edgeKey.hashCode(), 2), null,
          edgeKey.getBytes(StandardCharsets.UTF_8), flowCodec.encode(flow))));
      producer.flush();
    }

    String indexPrefix = "it-" + run + "-";
    try (RestClient rest = ElasticsearchConnection.to(elasticsearch.url()).restClient()) {
      new IndexSetup(rest, IndexSettings.defaults(new IndexNames(indexPrefix))).install();
    }
    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--es-url", elasticsearch.url(), "--es-index-prefix", indexPrefix,
        "--flows-topic", flows, "--cluster-state-topic", state, "--anomalies-topic", anomalies, "--dlq-topic", dlq,
        "--group-id", "it-" + run, "--starting-offsets", "earliest", "--bounded", "--checkpoint-interval", "2s",
        "--restart-attempts", "0", "--learning-period", "5m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    PolicyAnomalyJob job = PolicyAnomalyJob.onKafka(config);
    job.configure(env);
    job.attachTo(env);
    env.execute("policy anomaly IT");

    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    List<ConsumerRecord<byte[], byte[]>> written = readCommitted(kafka.bootstrapServers(), anomalies);
    List<PolicyAnomaly> found = written.stream().map(r -> anomalyCodec.decode(r.value()).orElseThrow()).toList();
    assertThat(written).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
        .isEqualTo(anomalyCodec.decode(r.value()).orElseThrow().getId()));
    for (GroundTruthLabel label : sim.episodes()) {
      assertThat(found).as(label.toString()).anyMatch(a -> DetectionScore.matches(a, label)
          && a.getType() == label.type().expectedFinding());
    }
    Map<String, Long> highestRevision = new java.util.TreeMap<>();
    found.forEach(a -> highestRevision.merge(a.getId(), (long) a.getRevision(), Math::max));
    assertThat(indexedRevisions(elasticsearch.url(), indexPrefix + "anomalies-*"))
        .as("one document per anomaly id, at its highest revision").isEqualTo(highestRevision);

    List<ConsumerRecord<byte[], byte[]>> letters = readCommitted(kafka.bootstrapServers(), dlq);
    assertThat(letters).singleElement().satisfies(letter -> assertThat(new String(
        letter.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8)).isEqualTo("not-single-object"));
  }

  /** Document id to its external version (the anomaly's revision), read back from Elasticsearch. */
  private static Map<String, Long> indexedRevisions(String url, String indices) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    http.send(HttpRequest.newBuilder(URI.create(url + "/" + indices + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/" + indices
        + "/_search?size=1000&version=true&_source=false")).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Long> revisions = new java.util.TreeMap<>();
    for (JsonNode hit : new ObjectMapper().readTree(response.body()).path("hits").path("hits")) {
      revisions.put(hit.path("_id").asText(), hit.path("_version").asLong());
    }
    return revisions;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "group.id", "it-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long lastNew = System.nanoTime();
      while (System.nanoTime() - lastNew < Duration.ofSeconds(3).toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          lastNew = System.nanoTime();
        }
      }
    }
    return records;
  }
}
