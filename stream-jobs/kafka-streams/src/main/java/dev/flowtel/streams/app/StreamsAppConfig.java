package dev.flowtel.streams.app;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectionOptions;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.core.config.TrafficWindowOptions;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetectionOptions;
import dev.flowtel.core.dns.activity.DnsActivityOptions;
import dev.flowtel.wire.FlowtelTopics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option of the Kafka Streams application, its default and its meaning, in one place: the
 * app's {@code --help}, its README and the deployment manifests use these names. Window, lateness
 * and detector options carry the Flink jobs' names and defaults, so both engines give the same
 * results from the same settings.
 */
@CommandLine.Command(name = "flowtel-streams", mixinStandardHelpOptions = true, showDefaultValues = true,
    sortOptions = false,
    description = {"Flowtel's analytics as a Kafka Streams application: flows become ServiceTraffic per service edge",
        "and window, and every policy-anomaly detector runs on them; results equal the Flink jobs'.",
        "Runs as: java -jar flowtel-streams.jar --bootstrap-servers host:9092 [options]"})
public final class StreamsAppConfig {

  /** --http-host values that bind every interface, so name no address another instance could use. */
  private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "*", "");

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--application-id", defaultValue = "flowtel-streams",
      description = "Kafka Streams application id: the consumer group, and the prefix of internal topics and transactional ids.")
  String applicationId;

  @Option(names = "--state-dir", defaultValue = "${sys:java.io.tmpdir}/flowtel-streams",
      description = "Where the RocksDB state stores live; on a persistent volume, a restart restores from it instead of the changelogs.")
  Path stateDir;

  @Option(names = "--standby-replicas", defaultValue = "0",
      description = "Warm copies of each state store on other instances, for fast failover.")
  int standbyReplicas;

  @Option(names = "--threads", defaultValue = "1", description = "Stream threads of this instance.")
  int threads;

  @Option(names = "--commit-interval", defaultValue = "5s", converter = DurationOption.class,
      description = "How often results are committed (a transaction each): the latency of read_committed output. Kafka "
          + "Streams' exactly-once default of 100 ms cost about 40%% of throughput here; at 5 s it costs little.")
  Duration commitInterval;

  @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
      description = "exactly_once_v2 or at_least_once.")
  String processingGuarantee;

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents to read (keyed by service edge).")
  String flowsTopic;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "Compacted topic of Namespaces and NetworkPolicies (a global store).")
  String clusterStateTopic;

  @Option(names = "--traffic-topic", defaultValue = FlowtelTopics.SERVICE_TRAFFIC, description = "Topic to write ServiceTraffic to.")
  String trafficTopic;

  @Option(names = "--anomalies-topic", defaultValue = FlowtelTopics.ANOMALIES, description = "Topic to write PolicyAnomaly to, keyed by anomaly id.")
  String anomaliesTopic;

  @Option(names = "--staged-verdicts-topic", defaultValue = FlowtelTopics.STAGED_VERDICTS,
      description = "Topic to write StagedPolicyVerdict to: what each staged NetworkPolicy would do to each service edge per "
          + "traffic window, keyed by policy, edge and window.")
  String stagedVerdictsTopic;

  @Option(names = "--dlq-topic", defaultValue = FlowtelTopics.DLQ, description = "Dead-letter topic for undecodable and late flows.")
  String deadLetterTopic;

  @Option(names = "--starting-offsets", defaultValue = "earliest",
      description = "Where a new application starts reading: earliest or latest (afterwards: its committed offsets).")
  String startingOffsets;

  @Option(names = "--traffic", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the traffic aggregation (--no-traffic turns it off).")
  boolean traffic;

  @Option(names = "--detection", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the policy-anomaly detectors (--no-detection turns them off).")
  boolean detection;

  /** --dns-activity, --dns-topic, --dns-activity-topic, --dns-window, --dns-names-per-window, as the Flink traffic job's. */
  @Mixin
  DnsActivityOptions dnsActivity = new DnsActivityOptions();

  @Option(names = "--dns-detection", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "With --detection, run the DNS detectors (NXDOMAIN_SPIKE, DNS_TUNNEL) on --dns-topic. With "
          + "--no-dns-activity too, the app leaves the DNS topic alone (collectors run with --no-dns).")
  boolean dnsDetection;

  @Mixin
  TrafficWindowOptions windows = new TrafficWindowOptions();

  @Option(names = "--query-retention", defaultValue = "1h", converter = DurationOption.class,
      description = "Event time the latest ServiceTraffic of each window stays queryable at /edges/top.")
  Duration queryRetention;

  @Option(names = "--http-port", defaultValue = "8085",
      description = "Port of /health, /metrics (Prometheus) and the interactive queries /edges/top and /anomalies/open; -1 for none.")
  int httpPort;

  @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address the HTTP server binds.")
  String httpHost;

  @Option(names = "--advertised-http", paramLabel = "host:port",
      description = "Where the other instances reach this instance's HTTP server (Kafka Streams' application.server), "
          + "so that any instance answers the queries for the whole application. Default: --http-host and the bound port; "
          + "when --http-host is a wildcard (0.0.0.0, ::), this host's canonical name (in a StatefulSet with a headless "
          + "Service, the pod's DNS name). Set it (e.g. $(POD_IP):8085) where that name does not resolve from the other instances.")
  String advertisedHttp;

  @Option(names = "--peer-query-timeout", defaultValue = "2s", converter = DurationOption.class,
      description = "How long a query waits for the other instances' answers; an instance that fails or takes longer is "
          + "named in the answer, which is then partial.")
  Duration peerQueryTimeout;

  @CommandLine.Mixin
  DetectionOptions detectionOptions = new DetectionOptions();

  /** The DNS detectors' thresholds, as the Flink detection job's. */
  @Mixin
  DnsDetectionOptions dnsDetectionOptions = new DnsDetectionOptions();

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static StreamsAppConfig parse(String... args) {
    StreamsAppConfig config = new StreamsAppConfig();
    new CommandLine(config).parseArgs(args);
    config.validate();
    return config;
  }

  void validate() {
    detectionConfig();
    dnsDetectionConfig();
    dnsActivity.check();
    Duration window = window();
    Duration rollup = rollup();
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("--window " + window + ": must be positive");
    }
    if (!rollup.isZero() && rollup.toMillis() % window.toMillis() != 0) {
      throw new IllegalArgumentException("--rollup " + rollup + ": must be a multiple of --window " + window + " (or 0)");
    }
    if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw new IllegalArgumentException("--processing-guarantee " + processingGuarantee + ": expected exactly_once_v2 or at_least_once");
    }
    if (advertisedHttp != null) {
      advertisedHttp(0);
    }
    if (peerQueryTimeout.isZero() || peerQueryTimeout.isNegative()) {
      throw new IllegalArgumentException("--peer-query-timeout " + peerQueryTimeout + ": must be positive");
    }
    if (!startingOffsets.equals("earliest") && !startingOffsets.equals("latest")) {
      throw new IllegalArgumentException("--starting-offsets " + startingOffsets + ": expected earliest or latest");
    }
  }

  /** Kafka Streams settings: the client properties file first, then what this app must have. */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.putAll(kafka.settings());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), startingOffsets);
    p.putIfAbsent(StreamsConfig.producerPrefix("compression.type"), "lz4");
    p.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), 20);
    p.putIfAbsent(StreamsConfig.consumerPrefix("max.poll.records"), 2_000);
    // Both inputs already carry event time in their values; the record timestamp only orders them.
    p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    return p;
  }

  /** The plain Kafka client settings (bootstrap servers and the --kafka-properties file), for admin clients. */
  public Map<String, Object> clientProperties() {
    return kafka.settings();
  }

  /**
   * The address the other instances use for this instance's HTTP server ({@code application.server}):
   * {@code --advertised-http}, else {@code --http-host} (this host's canonical name when it is a
   * wildcard) with the port the server bound ({@code boundPort}, which differs from --http-port 0).
   */
  public HostInfo advertisedHttp(int boundPort) {
    if (advertisedHttp != null) {
      int colon = advertisedHttp.lastIndexOf(':');
      String host = colon < 0 ? "" : advertisedHttp.substring(0, colon).replaceAll("^\\[|]$", "");
      int port;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(advertisedHttp.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isEmpty() || port < 1 || port > 65_535) {
        throw new IllegalArgumentException("--advertised-http " + advertisedHttp
            + ": expected host:port (e.g. flowtel-streams-0.flowtel-streams-headless:8085 or 10.1.2.3:8085)");
      }
      return new HostInfo(host, port);
    }
    if (!WILDCARD_HOSTS.contains(httpHost)) {
      return new HostInfo(httpHost, boundPort);
    }
    try {
      return new HostInfo(InetAddress.getLocalHost().getCanonicalHostName(), boundPort);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot tell the other instances where this one's HTTP server is: this host's name "
          + "does not resolve (" + e.getMessage() + "); set --advertised-http host:port", e);
    }
  }

  public Duration peerQueryTimeout() {
    return peerQueryTimeout;
  }

  public DetectionConfig detectionConfig() {
    return detectionOptions.detectionConfig();
  }

  public long learningStartMillis() {
    return detectionOptions.learningStartMillis();
  }

  public String applicationId() {
    return applicationId;
  }

  public String flowsTopic() {
    return flowsTopic;
  }

  public String clusterStateTopic() {
    return clusterStateTopic;
  }

  public String trafficTopic() {
    return trafficTopic;
  }

  public String anomaliesTopic() {
    return anomaliesTopic;
  }

  public String stagedVerdictsTopic() {
    return stagedVerdictsTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  /** The DNS detectors' thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DnsDetectionConfig dnsDetectionConfig() {
    return dnsDetectionOptions.dnsDetectionConfig();
  }

  public DnsActivityOptions dnsActivity() {
    return dnsActivity;
  }

  /** Whether the DNS detectors run: --detection and --dns-detection. */
  public boolean dnsDetection() {
    return detection && dnsDetection;
  }

  /** Whether the app reads the DNS topic at all. */
  public boolean dns() {
    return dnsDetection() || dnsActivity.enabled();
  }

  public boolean traffic() {
    return traffic;
  }

  public boolean detection() {
    return detection;
  }

  public Duration window() {
    return windows.window();
  }

  public Duration rollup() {
    return windows.rollup();
  }

  public Duration maxOutOfOrderness() {
    return windows.maxOutOfOrderness();
  }

  public Duration idleness() {
    return windows.idleness();
  }

  public Duration allowedLateness() {
    return windows.allowedLateness();
  }

  public Duration queryRetention() {
    return queryRetention;
  }

  public Duration commitInterval() {
    return commitInterval;
  }

  public int httpPort() {
    return httpPort;
  }

  public String httpHost() {
    return httpHost;
  }
}
