package dev.flowtel.flink.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.GroundTruthLabel;
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
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    DetectionTopics topics = DetectionTopics.create(kafka.bootstrapServers(), "it");
    ClusterSimulator sim = DetectionTopics.portScanThenViolation(9201);
    topics.load(sim, "poison".getBytes(StandardCharsets.UTF_8));

    String indexPrefix = "it-" + topics.run() + "-";
    try (RestClient rest = ElasticsearchConnection.to(elasticsearch.url()).restClient()) {
      new IndexSetup(rest, IndexSettings.defaults(new IndexNames(indexPrefix))).install();
    }
    PolicyAnomalyConfig config = PolicyAnomalyConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--es-url", elasticsearch.url(), "--es-index-prefix", indexPrefix,
        "--flows-topic", topics.flows(), "--cluster-state-topic", topics.state(),
        "--anomalies-topic", topics.anomalies(), "--dlq-topic", topics.dlq(),
        "--group-id", "it-" + topics.run(), "--starting-offsets", "earliest", "--bounded", "--checkpoint-interval", "2s",
        "--restart-attempts", "0", "--learning-period", "5m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(1);
    PolicyAnomalyJob job = PolicyAnomalyJob.onKafka(config);
    job.configure(env);
    job.attachTo(env);
    env.execute("policy anomaly IT");

    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    KafkaTopics reader = new KafkaTopics(kafka.bootstrapServers());
    List<ConsumerRecord<byte[], byte[]>> written = reader.readCommitted(topics.anomalies());
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

    List<ConsumerRecord<byte[], byte[]>> letters = reader.readCommitted(topics.dlq());
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
}
