package dev.flowtel.flink.detection;

import dev.flowtel.core.config.LatenessOption;
import dev.flowtel.core.config.WindowOption;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectionOptions;
import dev.flowtel.core.config.DnsTopicOption;
import dev.flowtel.core.config.EventTimeOptions;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetectionOptions;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.flink.config.ElasticsearchOutputOptions;
import dev.flowtel.flink.config.FlinkJobOptions;
import dev.flowtel.flink.config.FlowInputOptions;
import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import java.time.Duration;
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

  @Mixin
  FlowInputOptions input = new FlowInputOptions("flowtel-policy-anomaly");

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "Compacted topic of ClusterState (namespaces, NetworkPolicies), read from the start as broadcast state.")
  String clusterStateTopic;

  @Option(names = "--anomalies-topic", defaultValue = FlowtelTopics.ANOMALIES, description = "Topic to write PolicyAnomaly to, keyed by anomaly id.")
  String anomaliesTopic;

  @Option(names = "--staged-verdicts-topic", defaultValue = FlowtelTopics.STAGED_VERDICTS,
      description = "Topic to write StagedPolicyVerdict to: what staged policies would do, per policy, edge and window.")
  String stagedVerdictsTopic;

  // The staged policies' windows are the traffic job's: give both jobs the same --window and
  // --allowed-lateness, and a window's would-deny counts cover the connections of its ServiceTraffic.
  @Mixin
  WindowOption window = new WindowOption();

  @Mixin
  LatenessOption lateness = new LatenessOption();

  @Mixin
  ElasticsearchOutputOptions elasticsearch = new ElasticsearchOutputOptions();

  @Mixin
  EventTimeOptions eventTime = new EventTimeOptions();

  // Anomalies become visible to read_committed subscribers at the checkpoint that commits them, so
  // this interval bounds how long a reported anomaly waits (docs/detection.md); the job's state is
  // small beside the traffic job's, and a checkpoint every 2 s costs it little.
  @Mixin
  FlinkJobOptions job = new FlinkJobOptions(Duration.ofSeconds(2));

  @CommandLine.Mixin
  DetectionOptions detection = new DetectionOptions();

  @Mixin
  DnsTopicOption dnsTopic = new DnsTopicOption();

  @Option(names = "--dns-detection", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the DNS detectors (NXDOMAIN_SPIKE, DNS_TUNNEL; thresholds below, explained in docs/detection.md) on"
          + " --dns-topic. --no-dns-detection when collectors run with --no-dns.")
  boolean dnsDetection;

  @Mixin
  DnsDetectionOptions dnsDetectionOptions = new DnsDetectionOptions();

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static PolicyAnomalyConfig parse(String... args) {
    PolicyAnomalyConfig config = new PolicyAnomalyConfig();
    new CommandLine(config).parseArgs(args);
    config.detectionConfig();
    config.dnsDetectionConfig();
    config.job.checkpointInterval();
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

  public FlowInputOptions input() {
    return input;
  }

  public String dnsTopic() {
    return dnsTopic.dnsTopic();
  }

  /** Whether the DNS detectors run (--dns-detection, on by default). */
  public boolean dnsDetection() {
    return dnsDetection;
  }

  /** The DNS detectors' thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DnsDetectionConfig dnsDetectionConfig() {
    return dnsDetectionOptions.dnsDetectionConfig();
  }

  public String clusterStateTopic() {
    return clusterStateTopic;
  }

  public String anomaliesTopic() {
    return anomaliesTopic;
  }

  public String stagedVerdictsTopic() {
    return stagedVerdictsTopic;
  }

  /** The staged policy windows, sized and closed as the traffic windows. */
  public StagedPolicyWindows stagedWindows() {
    return new StagedPolicyWindows(window.window(), lateness.allowedLateness());
  }


}
