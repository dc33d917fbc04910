package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectionOptions;
import dev.flowtel.core.config.EventTimeOptions;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.flink.config.ElasticsearchOutputOptions;
import dev.flowtel.flink.config.FlinkJobOptions;
import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
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

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents to read.")
  String flowsTopic;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "Compacted topic of ClusterState (namespaces, NetworkPolicies), read from the start as broadcast state.")
  String clusterStateTopic;

  @Option(names = "--anomalies-topic", defaultValue = FlowtelTopics.ANOMALIES, description = "Topic to write PolicyAnomaly to, keyed by anomaly id.")
  String anomaliesTopic;

  @Option(names = "--dlq-topic", defaultValue = FlowtelTopics.DLQ, description = "Dead-letter topic for undecodable records.")
  String deadLetterTopic;

  @Mixin
  ElasticsearchOutputOptions elasticsearch = new ElasticsearchOutputOptions();

  @Option(names = "--group-id", defaultValue = "flowtel-policy-anomaly", description = "Kafka consumer group (offsets are committed on checkpoints).")
  String groupId;

  @Mixin
  EventTimeOptions eventTime = new EventTimeOptions();

  @Mixin
  FlinkJobOptions job = new FlinkJobOptions();

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
    return job.flinkConfiguration();
  }

  public KafkaClientOptions kafka() {
    return kafka;
  }

  public ElasticsearchOutputOptions elasticsearch() {
    return elasticsearch;
  }

  public EventTimeOptions eventTime() {
    return eventTime;
  }

  public FlinkJobOptions job() {
    return job;
  }

  public DetectionOptions detection() {
    return detection;
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

}
