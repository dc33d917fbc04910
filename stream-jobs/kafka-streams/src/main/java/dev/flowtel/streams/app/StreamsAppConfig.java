package dev.flowtel.streams.app;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectionOptions;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
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

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--kafka-properties", description = "Kafka client properties file (TLS, SASL, ...), passed to the clients unchanged.")
  Path kafkaProperties;

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

  @Option(names = "--window", defaultValue = "10s", converter = DurationOption.class, description = "Tumbling window length.")
  Duration window;

  @Option(names = "--rollup", defaultValue = "1m", converter = DurationOption.class,
      description = "Length of the rollup windows computed beside the base windows; 0 turns the rollup off.")
  Duration rollup;

  @Option(names = "--max-out-of-orderness", defaultValue = "5s", converter = DurationOption.class,
      description = "How far behind the newest flow end the event-time watermark trails.")
  Duration maxOutOfOrderness;

  @Option(names = "--idleness", defaultValue = "30s", converter = DurationOption.class,
      description = "A partition without flows this long (wall clock) lets its event time keep pace with the wall clock, so its windows close.")
  Duration idleness;

  @Option(names = "--allowed-lateness", defaultValue = "30s", converter = DurationOption.class,
      description = "Flows this late still update their window (a new revision); later ones go to the DLQ as 'late'.")
  Duration allowedLateness;

  @Option(names = "--query-retention", defaultValue = "1h", converter = DurationOption.class,
      description = "Event time the latest ServiceTraffic of each window stays queryable at /edges/top.")
  Duration queryRetention;

  @Option(names = "--http-port", defaultValue = "8085",
      description = "Port of /health, /metrics (Prometheus) and the interactive queries /edges/top and /anomalies/open; -1 for none.")
  int httpPort;

  @Option(names = "--http-host", defaultValue = "0.0.0.0", description = "Address the HTTP server binds.")
  String httpHost;

  @CommandLine.Mixin
  DetectionOptions detectionOptions = new DetectionOptions();

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static StreamsAppConfig parse(String... args) {
    StreamsAppConfig config = new StreamsAppConfig();
    new CommandLine(config).parseArgs(args);
    config.validate();
    return config;
  }

  void validate() {
    detectionConfig();
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("--window " + window + ": must be positive");
    }
    if (!rollup.isZero() && rollup.toMillis() % window.toMillis() != 0) {
      throw new IllegalArgumentException("--rollup " + rollup + ": must be a multiple of --window " + window + " (or 0)");
    }
    if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
      throw new IllegalArgumentException("--processing-guarantee " + processingGuarantee + ": expected exactly_once_v2 or at_least_once");
    }
    if (!startingOffsets.equals("earliest") && !startingOffsets.equals("latest")) {
      throw new IllegalArgumentException("--starting-offsets " + startingOffsets + ": expected earliest or latest");
    }
  }

  /** Kafka Streams settings: the client properties file first, then what this app must have. */
  public Properties streamsProperties() {
    Properties p = new Properties();
    Map<String, Object> client = KafkaClientProperties.load(bootstrapServers, kafkaProperties);
    p.putAll(client);
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
    return KafkaClientProperties.load(bootstrapServers, kafkaProperties);
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

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  public boolean traffic() {
    return traffic;
  }

  public boolean detection() {
    return detection;
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
