package dev.flowtel.flink.traffic;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every option of the traffic aggregation job, its default and its meaning, in one place: the
 * job's {@code --help}, the README and the deployment manifests use these names.
 */
@CommandLine.Command(name = "flowtel-traffic-aggregation", mixinStandardHelpOptions = true, showDefaultValues = true,
    sortOptions = false,
    description = {"Aggregates flows from Kafka into ServiceTraffic records, one per service edge per window,",
        "written exactly once. Runs on any Flink 2.x cluster: flink run -c " + "dev.flowtel.flink.traffic.TrafficAggregationMain flowtel-flink-job.jar [options]"})
public final class TrafficAggregationConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--kafka-properties", description = "Kafka client properties file (TLS, SASL, ...), passed to the clients unchanged.")
  Path kafkaProperties;

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents to read.")
  String flowsTopic;

  @Option(names = "--traffic-topic", defaultValue = FlowtelTopics.SERVICE_TRAFFIC, description = "Topic to write ServiceTraffic to.")
  String trafficTopic;

  @Option(names = "--dlq-topic", defaultValue = FlowtelTopics.DLQ, description = "Dead-letter topic for undecodable and late flows.")
  String deadLetterTopic;

  @Option(names = "--es-url", description = "Also write ServiceTraffic straight to this Elasticsearch (set up with ./flowtel es setup); off when absent.")
  String elasticsearchUrl;

  @Option(names = "--es-index-prefix", defaultValue = "flowtel-", description = "Prefix of the Elasticsearch indices.")
  String elasticsearchIndexPrefix;

  @Option(names = "--group-id", defaultValue = "flowtel-traffic-aggregation", description = "Kafka consumer group (offsets are committed on checkpoints).")
  String groupId;

  @Option(names = "--starting-offsets", defaultValue = "committed",
      description = "Where to start reading: committed (falling back to earliest), earliest or latest.")
  String startingOffsets;

  @Option(names = "--bounded", description = "Stop at the end offsets present at start (benchmarks, replays).")
  boolean bounded;

  @Option(names = "--window", defaultValue = "10s", converter = DurationOption.class, description = "Tumbling window length.")
  Duration window;

  @Option(names = "--rollup", defaultValue = "1m", converter = DurationOption.class,
      description = "Length of the rollup windows computed beside the base windows; 0 turns the rollup off.")
  Duration rollup;

  @Option(names = "--max-out-of-orderness", defaultValue = "5s", converter = DurationOption.class,
      description = "How far behind the newest flow end the watermark trails.")
  Duration maxOutOfOrderness;

  @Option(names = "--idleness", defaultValue = "30s", converter = DurationOption.class,
      description = "A partition without flows this long stops holding back the watermark.")
  Duration idleness;

  @Option(names = "--allowed-lateness", defaultValue = "30s", converter = DurationOption.class,
      description = "Flows this late still update their window (a new revision); later ones go to the DLQ as 'late'.")
  Duration allowedLateness;

  @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationOption.class,
      description = "Checkpoint interval; output becomes visible to read_committed consumers at each checkpoint.")
  Duration checkpointInterval;

  @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI (file://, s3://, ...); the cluster's default when absent (a MiniCluster's default keeps checkpoints in JobManager memory, at most 5 MB).")
  String checkpointDir;

  @Option(names = "--delivery", defaultValue = "exactly-once", description = "exactly-once or at-least-once.")
  String delivery;

  @Option(names = "--transaction-timeout", defaultValue = "10m", converter = DurationOption.class,
      description = "Kafka transaction timeout; must stay below the broker's transaction.max.timeout.ms (15 min by default).")
  Duration transactionTimeout;

  @Option(names = "--restart-attempts", defaultValue = "10", description = "Restarts before the job fails for good.")
  int restartAttempts;

  @Option(names = "--restart-delay", defaultValue = "5s", converter = DurationOption.class, description = "Delay between restarts.")
  Duration restartDelay;

  @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0 keeps the cluster's default.")
  int parallelism;

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static TrafficAggregationConfig parse(String... args) {
    TrafficAggregationConfig config = new TrafficAggregationConfig();
    new CommandLine(config).parseArgs(args);
    return config;
  }

  public Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("pipeline.object-reuse", "true");
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", Integer.toString(restartAttempts));
    conf.put("restart-strategy.fixed-delay.delay", restartDelay.toMillis() + " ms");
    if (checkpointDir != null) {
      conf.put("execution.checkpointing.dir", checkpointDir);
    }
    return conf;
  }

  public Properties kafkaClientProperties() {
    Properties properties = new Properties();
    properties.putAll(KafkaClientProperties.load(bootstrapServers, kafkaProperties));
    return properties;
  }

  public boolean exactlyOnce() {
    return switch (delivery.toLowerCase(Locale.ROOT)) {
      case "exactly-once" -> true;
      case "at-least-once" -> false;
      default -> throw new IllegalArgumentException("--delivery " + delivery + ": expected exactly-once or at-least-once");
    };
  }

  public java.util.Optional<String> elasticsearchUrl() {
    return java.util.Optional.ofNullable(elasticsearchUrl);
  }

  public String elasticsearchIndexPrefix() {
    return elasticsearchIndexPrefix;
  }

  public String flowsTopic() {
    return flowsTopic;
  }

  public String trafficTopic() {
    return trafficTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  public String groupId() {
    return groupId;
  }

  public String startingOffsets() {
    return startingOffsets;
  }

  public boolean bounded() {
    return bounded;
  }

  public Duration window() {
    return window;
  }

  public Duration rollup() {
    return rollup;
  }

  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  public Duration idleness() {
    return idleness;
  }

  public Duration allowedLateness() {
    return allowedLateness;
  }

  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  public Duration transactionTimeout() {
    return transactionTimeout;
  }

  public int parallelism() {
    return parallelism;
  }
}
