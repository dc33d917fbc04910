package dev.flowtel.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.collector.publish.PublishedTopics;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The collector as its command line builds it, on the real broker: Hubble lines and simulator flows arrive as FlowEvents, with metrics served. */
@WithKafka
@Timeout(120)
class CollectorIT {

  private final KafkaFixture kafka;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  CollectorIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void aHubbleFileIsPublishedAndCountedInTheMetrics() throws Exception {
    Path file = Files.createTempFile(Path.of("target"), "hubble-", ".jsonl");
    try (InputStream sample = getClass().getResourceAsStream("/hubble/sample-flows.jsonl")) {
      Files.copy(sample, file, StandardCopyOption.REPLACE_EXISTING);
    }
    String topic = "it.collector.hubble." + run;
    Path spool = Files.createTempDirectory(Path.of("target"), "spool-hubble-");
    CollectorConfig config = CollectorConfig.parse(options(List.of("--source", "hubble:" + file, "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topic, "--spool-dir", spool.toString(), "--metrics-port", "0", "--node-name", "it-node")));
    String metrics;
    try (Collector collector = Collector.start(config)) {
      assertThat(collector.awaitSourceEnd(Duration.ofSeconds(60))).isTrue();
      metrics = scrape(collector.metricsPort());
    } // close() returns once the broker acknowledged every record handed over
    assertThat(PublishedTopics.leftInSpool(spool)).as("records left in the spool for a next run").isZero();
    assertThat(metrics).contains("flowtel_collector_flows_total{source=\"hubble\"} 6.0", "flowtel_collector_hubble_malformed_lines_total 2.0",
        "flowtel_collector_spool_bytes 0.0", "flowtel_collector_publish_latency_seconds_bucket", "flowtel_collector_map_entries 0.0");
    List<ConsumerRecord<byte[], byte[]>> records = PublishedTopics.readToEnd(kafka.bootstrapServers(), topic);
    assertThat(records).hasSize(6);
    WireCodec<dev.flowtel.schema.FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    assertThat(records).allSatisfy(r -> assertThat(codec.decode(r.value())).isInstanceOf(DecodeResult.Decoded.class));
  }

  @Test
  void theSyntheticSourcePublishesFlowsAndClusterState() throws Exception {
    String topic = "it.collector.synthetic." + run;
    String stateTopic = "it.collector.synthetic-state." + run;
    Path spool = Files.createTempDirectory(Path.of("target"), "spool-synthetic-");
    CollectorConfig config = CollectorConfig.parse(options(List.of("--source", "synthetic", "--synthetic-rate", "5000",
        "--synthetic-max-flows", "3000", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--cluster-state-topic", stateTopic,
        "--spool-dir", spool.toString(), "--metrics-port", "-1")));
    try (Collector collector = Collector.start(config)) {
      assertThat(collector.awaitSourceEnd(Duration.ofSeconds(60))).isTrue();
    } // close() returns once the broker acknowledged every record handed over
    assertThat(PublishedTopics.leftInSpool(spool)).as("records left in the spool for a next run").isZero();
    assertThat(PublishedTopics.readToEnd(kafka.bootstrapServers(), topic)).hasSize(3000);
    assertThat(PublishedTopics.readToEnd(kafka.bootstrapServers(), stateTopic)).isNotEmpty();
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  /** The test's options and those that make the publisher wait for a busy broker rather than spool for a next run. */
  private static String[] options(List<String> options) throws IOException {
    List<String> all = new ArrayList<>(options);
    all.addAll(PublishedTopics.patientPublisherOptions(Path.of("target")));
    return all.toArray(String[]::new);
  }
}
