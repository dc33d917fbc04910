package dev.flowtel.sink.elasticsearch.service;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.wire.FlowtelTopics;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option of the standalone Elasticsearch sink, its default and its meaning, in one place:
 * {@code ./flowtel sink --help}, sinks/elasticsearch/README.md and
 * deploy/base/elasticsearch-sink-deployment.yaml use these names. {@link #settings()} turns them
 * into the {@link SinkService}'s settings.
 */
@Command(name = "flowtel-elasticsearch-sink", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {"Indexes the traffic, anomaly and staged-verdict topics (and with --flows, sampled raw flows) into Elasticsearch",
        "until Ctrl-C. Offsets are committed only after Elasticsearch acknowledged the batch; records it",
        "refuses, and records that do not decode, go to the dead-letter topic with the reason.",
        "Run ./flowtel es setup first."})
public final class SinkConfig {

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--group-id", defaultValue = SinkServiceSettings.DEFAULT_GROUP_ID, description = "Kafka consumer group.")
  String groupId;

  @Option(names = "--es-url", defaultValue = ElasticsearchConnection.DEFAULT_URL, description = "Elasticsearch URL(s), comma-separated.")
  String esUrl;

  @Mixin
  ElasticsearchCredentials credentials = new ElasticsearchCredentials();

  @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX, description = "Prefix of the index names (as given to es setup).")
  String indexPrefix;

  @Option(names = "--staged-verdicts-topic", defaultValue = FlowtelTopics.STAGED_VERDICTS,
      description = "Topic of the staged policies' verdicts (what a staged NetworkPolicy would allow or deny), indexed beside the traffic.")
  String stagedVerdictsTopic;

  @Option(names = "--dns-topic", defaultValue = FlowtelTopics.DNS,
      description = "Topic of the collectors' DNS transactions, indexed with --flows (raw events, like flows; es setup --flows installs their template).")
  String dnsTopic;

  @Option(names = "--flows", description = "Also consume " + FlowtelTopics.FLOWS + " and index sampled raw flows, and the DNS transactions of --dns-topic (off by default).")
  boolean flows;

  @Option(names = "--flow-sample", defaultValue = "" + SinkServiceSettings.DEFAULT_FLOW_SAMPLE_ONE_IN,
      description = "With --flows, index one flow in this many.")
  int flowSample;

  @Option(names = "--batch-size", defaultValue = "1000", description = "Documents per bulk request.")
  int batchSize;

  @Option(names = "--batch-bytes", defaultValue = "5242880", description = "Bytes per bulk request.")
  long batchBytes;

  @Option(names = "--flush-interval", defaultValue = "1s", converter = DurationOption.class,
      description = "Send a partly filled bulk request after this long.")
  Duration flushInterval;

  @Option(names = "--max-in-flight", defaultValue = "2", description = "Bulk requests sent and not yet answered.")
  int maxInFlight;

  @Option(names = "--max-pending", defaultValue = "20000",
      description = "Documents not yet acknowledged (retries included) before reading pauses; bounds memory.")
  int maxPending;

  @Option(names = "--metrics-port", defaultValue = "" + DEFAULT_METRICS_PORT,
      description = "Port of the Prometheus endpoint /metrics (latency histograms, writer counters); 0 any free port, -1 none.")
  int metricsPort;

  public static final int DEFAULT_METRICS_PORT = 9465;

  /** The port for /metrics: 0 any free port, negative for none. */
  public int metricsPort() {
    return metricsPort;
  }

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static SinkConfig parse(String... args) {
    SinkConfig config = new SinkConfig();
    new CommandLine(config).parseArgs(args);
    return config;
  }

  /** The sink service's settings from these options. */
  public SinkServiceSettings settings() {
    WriterSettings writer = WriterSettings.defaults().withBatch(batchSize, batchBytes, flushInterval)
        .withMaxInFlightRequests(maxInFlight).withMaxPendingDocuments(Math.max(maxPending, batchSize));
    return SinkServiceSettings.defaults(kafka.bootstrapServers(), credentials.connection(esUrl))
        .withKafkaProperties(kafka.kafkaProperties())
        .withGroupId(groupId)
        .withNames(new IndexNames(indexPrefix))
        .withWriter(writer)
        .withStagedVerdictsTopic(stagedVerdictsTopic)
        .withDnsTopic(dnsTopic)
        .withFlows(flows, flowSample);
  }
}
