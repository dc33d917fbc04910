package dev.flowtel.cli;

import dev.flowtel.console.ConsoleServer;
import dev.flowtel.console.ConsoleSettings;
import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.elasticsearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel console}: the web console over a running pipeline's Elasticsearch, with the live
 * range from its traffic topic when Kafka is given, until Ctrl-C.
 */
@Command(name = "console", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {"Serves the web console: the service map (edges by bytes or flows, coloured by policy verdict,",
        "anomalies marked) and the anomalies with their evidence, read from the Elasticsearch the sink writes to;",
        "with --bootstrap-servers (or bootstrap.servers in --kafka-properties), the live range (last 2 min) is read",
        "from the traffic topic instead, without waiting for the sink.",
        "./flowtel up starts it by itself; this command points it at any cluster. Runs until Ctrl-C."})
final class ConsoleCommand implements Callable<Integer> {

  @Option(names = "--es-url", defaultValue = ElasticsearchConnection.DEFAULT_URL,
      description = "Elasticsearch URL(s), comma-separated; https with --ca-cert for TLS.")
  String elasticsearchUrl;

  @Mixin
  ElasticsearchCredentials credentials;

  @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX, description = "Prefix the sink writes indices with.")
  String indexPrefix;

  @Option(names = "--bind", defaultValue = ConsoleSettings.DEFAULT_BIND,
      description = "Address to serve on. The console has no login of its own: bind wider only behind one.")
  String bind;

  @Option(names = "--port", defaultValue = "" + ConsoleSettings.DEFAULT_PORT, description = "Port to serve on; 0 picks a free one.")
  int port;

  // Not the shared KafkaClientOptions mixin: its --bootstrap-servers defaults to 127.0.0.1:9092, and
  // here no Kafka must mean no tail (the live range from Elasticsearch), not a tail of a guessed broker.
  @Option(names = "--bootstrap-servers",
      description = "Kafka of the pipeline: the live range is read from its traffic topic. Default: none (the live range from Elasticsearch).")
  String bootstrapServers;

  @Option(names = "--kafka-properties", paramLabel = "<file>",
      description = "Kafka client properties file (TLS, SASL, ...), passed to the Kafka consumer unchanged; "
          + "what it sets (bootstrap.servers too) wins over the options. Default: none.")
  Path kafkaProperties;

  @Option(names = "--traffic-topic", defaultValue = FlowtelTopics.SERVICE_TRAFFIC, description = "Topic the jobs write ServiceTraffic to.")
  String trafficTopic;

  @Option(names = "--anomaly-cooldown", defaultValue = "5m", converter = DurationOption.class,
      description = "The detection's cooldown: an anomaly last seen longer ago is shown closed.")
  Duration anomalyCooldown = DetectionConfig.DEFAULT_COOLDOWN;

  @Override
  public Integer call() throws InterruptedException {
    ElasticsearchConnection connection = credentials.connection(elasticsearchUrl);
    Map<String, Object> kafka = bootstrapServers == null && kafkaProperties == null ? Map.of()
        : KafkaClientProperties.load(bootstrapServers, kafkaProperties);
    String kafkaShown = (String) kafka.get("bootstrap.servers");
    try (RestClient rest = connection.restClient();
        ConsoleServer console = ConsoleServer.start(new ConsoleSettings(bind, port, new IndexNames(indexPrefix), anomalyCooldown,
            kafkaShown, Clock.systemUTC(), kafka, trafficTopic), rest, String.join(",", connection.urls()))) {
      System.out.println("Flowtel console  " + console.url() + "   (reading " + connection.describe()
          + (kafkaShown == null ? "" : ", live range from " + trafficTopic + " on " + kafkaShown) + "; Ctrl-C stops it)");
      new CountDownLatch(1).await();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return 0;
  }
}
