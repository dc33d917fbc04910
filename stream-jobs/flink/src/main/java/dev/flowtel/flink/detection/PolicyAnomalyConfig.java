package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectionOptions;
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
 * Every option of the detection job, its default and its meaning, in one place. Detector
 * thresholds default to {@link DetectionConfig#defaults()} and carry its names in kebab case; see
 * docs/detection.md for what each detector does with them.
 */
@CommandLine.Command(name = "flowtel-policy-anomaly", mixinStandardHelpOptions = true, showDefaultValues = true,
    sortOptions = false,
    description = {"Detects policy violations, denied spikes, new edges, volume anomalies, port scans, IP sweeps and",
        "external egress in flows from Kafka, judged against the cluster state's NetworkPolicies, and writes each",
        "anomaly (keyed by id, revisions sharing it) exactly once. Runs on any Flink 2.x cluster: flink run -c",
        "dev.flowtel.flink.detection.PolicyAnomalyMain flowtel-flink-job.jar [options]"})
public final class PolicyAnomalyConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--kafka-properties", description = "Kafka client properties file (TLS, SASL, ...), passed to the clients unchanged.")
  Path kafkaProperties;

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents to read.")
  String flowsTopic;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "Compacted topic of ClusterState (namespaces, NetworkPolicies), read from the start as broadcast state.")
  String clusterStateTopic;

  @Option(names = "--anomalies-topic", defaultValue = FlowtelTopics.ANOMALIES, description = "Topic to write PolicyAnomaly to, keyed by anomaly id.")
  String anomaliesTopic;

  @Option(names = "--dlq-topic", defaultValue = FlowtelTopics.DLQ, description = "Dead-letter topic for undecodable records.")
  String deadLetterTopic;

  @Option(names = "--es-url", description = "Also write anomalies straight to this Elasticsearch (set up with ./flowtel es setup); off when absent.")
  String elasticsearchUrl;

  @Option(names = "--es-index-prefix", defaultValue = "flowtel-", description = "Prefix of the Elasticsearch indices.")
  String elasticsearchIndexPrefix;

  @Option(names = "--group-id", defaultValue = "flowtel-policy-anomaly", description = "Kafka consumer group (offsets are committed on checkpoints).")
  String groupId;

  @Option(names = "--starting-offsets", defaultValue = "committed",
      description = "Where to start reading flows: committed (falling back to earliest), earliest or latest.")
  String startingOffsets;

  @Option(names = "--bounded", description = "Stop at the end offsets present at start (replays, tests).")
  boolean bounded;

  @Option(names = "--max-out-of-orderness", defaultValue = "5s", converter = DurationOption.class,
      description = "How far behind the newest flow end the watermark trails.")
  Duration maxOutOfOrderness;

  @Option(names = "--idleness", defaultValue = "30s", converter = DurationOption.class,
      description = "A partition (or the cluster-state topic) quiet this long stops holding back event time.")
  Duration idleness;

  @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationOption.class,
      description = "Checkpoint interval; anomalies become visible to read_committed consumers at each checkpoint.")
  Duration checkpointInterval;

  @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI (file://, s3://, ...); the cluster's default when absent.")
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

  @CommandLine.Mixin
  DetectionOptions detection = new DetectionOptions();

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static PolicyAnomalyConfig parse(String... args) {
    PolicyAnomalyConfig config = new PolicyAnomalyConfig();
    new CommandLine(config).parseArgs(args);
    config.detectionConfig();
    return config;
  }

  /** The detector thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DetectionConfig detectionConfig() {
    return detection.detectionConfig();
  }

  public Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
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

  /** The configured learning start, or Long.MIN_VALUE for "the first flow's event time". */
  public long learningStartMillis() {
    return detection.learningStartMillis();
  }

  public String flowsTopic() {
    return flowsTopic;
  }

  public String clusterStateTopic() {
    return clusterStateTopic;
  }

  public String anomaliesTopic() {
    return anomaliesTopic;
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

  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  public Duration idleness() {
    return idleness;
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

  public java.util.Optional<String> elasticsearchUrl() {
    return java.util.Optional.ofNullable(elasticsearchUrl);
  }

  public String elasticsearchIndexPrefix() {
    return elasticsearchIndexPrefix;
  }
}
