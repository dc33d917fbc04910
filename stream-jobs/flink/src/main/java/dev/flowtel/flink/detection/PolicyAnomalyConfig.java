package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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

  @Option(names = "--learning-start", description = "Event time (ISO-8601) the learning period starts at; default: the first flow's.")
  Instant learningStart;

  @Option(names = "--learning-period", defaultValue = "1h", converter = DurationOption.class,
      description = "NEW_EDGE and EXTERNAL_EGRESS learn what is normal this long and only then alert.")
  Duration learningPeriod;

  @Option(names = "--cooldown", defaultValue = "5m", converter = DurationOption.class,
      description = "A finding this soon after the last one of the same type and key updates that anomaly (same id, next revision).")
  Duration cooldown;

  @Option(names = "--report-interval", defaultValue = "1m", converter = DurationOption.class,
      description = "An open anomaly is re-emitted at most this often (sooner when its severity rises).")
  Duration reportInterval;

  @Option(names = "--policy-change-grace", defaultValue = "10m", converter = DurationOption.class,
      description = "Drops and continuing connections the policies allowed within this time are a policy change's effect, not anomalies.")
  Duration policyChangeGrace;

  @Option(names = "--violation-min-connections", defaultValue = "2",
      description = "POLICY_VIOLATION: denied but forwarded connections on an edge before it is reported.")
  int violationMinConnections;

  @Option(names = "--denied-window", defaultValue = "1m", converter = DurationOption.class, description = "DENIED_SPIKE: counting window.")
  Duration deniedWindow;

  @Option(names = "--denied-min-flows", defaultValue = "20", description = "DENIED_SPIKE: fewest dropped attempts in a window.")
  long deniedMinFlows;

  @Option(names = "--denied-spike-factor", defaultValue = "5", description = "DENIED_SPIKE: spike when above factor x moving mean + min flows.")
  double deniedSpikeFactor;

  @Option(names = "--new-edge-min-connections", defaultValue = "2", description = "NEW_EDGE: established connections before reporting.")
  int newEdgeMinConnections;

  @Option(names = "--edge-retention", defaultValue = "7d", converter = DurationOption.class,
      description = "NEW_EDGE and VOLUME_ANOMALY: an edge unused this long is forgotten.")
  Duration edgeRetention;

  @Option(names = "--volume-bucket", defaultValue = "1m", converter = DurationOption.class, description = "VOLUME_ANOMALY: bucket length.")
  Duration volumeBucket;

  @Option(names = "--volume-ewma-alpha", defaultValue = "0.1", description = "VOLUME_ANOMALY (and DENIED_SPIKE): weight of the newest bucket in the moving baseline.")
  double volumeEwmaAlpha;

  @Option(names = "--volume-min-history", defaultValue = "10", description = "VOLUME_ANOMALY: buckets of history before alerting.")
  int volumeMinHistory;

  @Option(names = "--volume-min-bytes", defaultValue = "20000000", description = "VOLUME_ANOMALY: fewest bytes in an anomalous bucket.")
  long volumeMinBytes;

  @Option(names = "--volume-z-score", defaultValue = "6", description = "VOLUME_ANOMALY: standard deviations above the moving mean.")
  double volumeZScore;

  @Option(names = "--volume-min-ratio", defaultValue = "4", description = "VOLUME_ANOMALY: times the moving mean.")
  double volumeMinRatio;

  @Option(names = "--scan-window", defaultValue = "1m", converter = DurationOption.class, description = "PORT_SCAN and IP_SWEEP: window.")
  Duration scanWindow;

  @Option(names = "--scan-min-ports", defaultValue = "50", description = "PORT_SCAN: distinct ports of one address in a window.")
  int scanMinPorts;

  @Option(names = "--sweep-min-hosts", defaultValue = "50", description = "IP_SWEEP: distinct addresses on one port in a window.")
  int sweepMinHosts;

  @Option(names = "--scan-min-failed-share", defaultValue = "0.6",
      description = "PORT_SCAN and IP_SWEEP: share of targets whose attempts all failed (unanswered, refused, reset).")
  double scanMinFailedShare;

  @Option(names = "--cluster-cidrs", split = ",",
      defaultValue = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,fc00::/7,fe80::/10,::1/128",
      description = "EXTERNAL_EGRESS: addresses inside the cluster; requests to any other address are external.")
  List<String> clusterCidrs;

  @Option(names = "--external-max-learned", defaultValue = "4096",
      description = "EXTERNAL_EGRESS: external addresses remembered per workload; more while learning means broad egress, not watched.")
  int externalMaxLearned;

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static PolicyAnomalyConfig parse(String... args) {
    PolicyAnomalyConfig config = new PolicyAnomalyConfig();
    new CommandLine(config).parseArgs(args);
    config.detectionConfig();
    return config;
  }

  /** The detector thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DetectionConfig detectionConfig() {
    return new DetectionConfig(learningPeriod, cooldown, reportInterval, policyChangeGrace, violationMinConnections, deniedWindow, deniedMinFlows,
        deniedSpikeFactor, newEdgeMinConnections, edgeRetention, volumeBucket, volumeEwmaAlpha, volumeMinHistory,
        volumeMinBytes, volumeZScore, volumeMinRatio, scanWindow, scanMinPorts, sweepMinHosts, scanMinFailedShare,
        clusterCidrs, externalMaxLearned);
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
    return learningStart == null ? Long.MIN_VALUE : learningStart.toEpochMilli();
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
}
