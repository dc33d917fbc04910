package dev.flowtel.cli;

import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.service.SinkService;
import dev.flowtel.sink.elasticsearch.service.SinkServiceSettings;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.wire.FlowtelTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./flowtel sink}: the standalone Kafka-to-Elasticsearch sink, until Ctrl-C. */
@Command(name = "sink", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {"Indexes the traffic and anomaly topics (and with --flows, sampled raw flows) into Elasticsearch",
        "until Ctrl-C. Offsets are committed only after Elasticsearch acknowledged the batch; records it",
        "refuses, and records that do not decode, go to the dead-letter topic with the reason.",
        "Run ./flowtel es setup first."})
final class SinkCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = SinkServiceSettings.DEFAULT_BOOTSTRAP_SERVERS, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--kafka-properties", description = "Kafka client properties file (security.protocol, ssl.*, sasl.*), passed unchanged.")
  Path kafkaProperties;

  @Option(names = "--group-id", defaultValue = SinkServiceSettings.DEFAULT_GROUP_ID, description = "Kafka consumer group.")
  String groupId;

  @Option(names = "--es-url", defaultValue = ElasticsearchConnection.DEFAULT_URL, description = "Elasticsearch URL(s), comma-separated.")
  String esUrl;

  @Mixin
  EsCommand.Credentials credentials;

  @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX, description = "Prefix of the index names (as given to es setup).")
  String indexPrefix;

  @Option(names = "--flows", description = "Also consume " + FlowtelTopics.FLOWS + " and index sampled raw flows (off by default).")
  boolean flows;

  @Option(names = "--flow-sample", defaultValue = "" + SinkServiceSettings.DEFAULT_FLOW_SAMPLE_ONE_IN,
      description = "With --flows, index one flow in this many.")
  int flowSample;

  @Option(names = "--batch-size", defaultValue = "1000", description = "Documents per bulk request.")
  int batchSize;

  @Option(names = "--batch-bytes", defaultValue = "5242880", description = "Bytes per bulk request.")
  long batchBytes;

  @Option(names = "--flush-interval-ms", defaultValue = "1000", description = "Send a partly filled bulk request after this many milliseconds.")
  long flushIntervalMillis;

  @Option(names = "--max-in-flight", defaultValue = "2", description = "Bulk requests sent and not yet answered.")
  int maxInFlight;

  @Option(names = "--max-pending", defaultValue = "20000",
      description = "Documents not yet acknowledged (retries included) before reading pauses; bounds memory.")
  int maxPending;

  @Override
  public Integer call() throws InterruptedException {
    WriterSettings writer = WriterSettings.defaults().withBatch(batchSize, batchBytes, Duration.ofMillis(flushIntervalMillis))
        .withMaxInFlightRequests(maxInFlight).withMaxPendingDocuments(Math.max(maxPending, batchSize));
    SinkServiceSettings settings = SinkServiceSettings.defaults(bootstrapServers, credentials.connection(esUrl))
        .withKafkaProperties(kafkaProperties)
        .withGroupId(groupId)
        .withNames(new IndexNames(indexPrefix))
        .withWriter(writer)
        .withFlows(flows, flowSample);
    SinkService sink = new SinkService(settings);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sink.stop();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "flowtel-sink-stop"));
    System.out.println("Indexing " + String.join(", ", sink.topics()) + " into " + settings.elasticsearch().describe()
        + "; Ctrl-C stops.");
    try {
      sink.run();
    } finally {
      sink.close();
      System.out.println("Stopped: " + sink.writerStats());
      closed.countDown();
    }
    return 0;
  }
}
