package dev.flowtel.cli;

import dev.flowtel.collector.Collector;
import dev.flowtel.collector.CollectorConfig;
import dev.flowtel.core.config.Durations;
import dev.flowtel.flink.detection.PolicyAnomalyConfig;
import dev.flowtel.flink.detection.PolicyAnomalyJob;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.sink.elasticsearch.index.SetupReport;
import dev.flowtel.sink.elasticsearch.metrics.SinkMetricsServer;
import dev.flowtel.sink.elasticsearch.service.SinkService;
import dev.flowtel.sink.elasticsearch.service.SinkServiceSettings;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.dns.DnsEpisodeType;
import dev.flowtel.simulator.dns.DnsSimulation;
import dev.flowtel.simulator.dns.LabeledDns;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.source.SyntheticFlowSource;
import dev.flowtel.streams.app.FlowtelStreamsApp;
import dev.flowtel.streams.app.StreamsAppConfig;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.kafka.WireSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.elasticsearch.client.RestClient;

/**
 * Everything {@code ./flowtel up} runs on top of the local servers, in this JVM: Elasticsearch
 * setup, the traffic and anomaly jobs on an embedded MiniCluster (or, with {@code --engine
 * kafka-streams}, the Kafka Streams app), the Elasticsearch sink, and the flow source
 * (the simulator, paced in wall-clock time, with anomaly episodes a few minutes in).
 */
final class LocalPipeline implements AutoCloseable {

  /** What the local run does; {@code ./flowtel up} options fill it. */
  record Settings(double flowsPerSecond, long seed, int parallelism, Duration window, Duration episodesAfter,
      List<EpisodeType> episodes, List<DnsEpisodeType> dnsEpisodes, String engine, FlowSourceChoice source, int flinkClusterUiPort, Path flinkJobJar) {

    /** {@code --flink-cluster}: the Flink jobs on a local session cluster, its web UI on this port (0: MiniCluster). */
    boolean flinkCluster() {
      return flinkClusterUiPort > 0;
    }

    boolean kafkaStreams() {
      return "kafka-streams".equals(engine);
    }

    LocalDemo demo() {
      return new LocalDemo(flowsPerSecond, seed, episodesAfter, episodes, dnsEpisodes);
    }

    /**
     * The detector options beyond the defaults: learning ends when the episodes begin (so NEW_EDGE
     * and EXTERNAL_EGRESS have a baseline by then), and with the simulator the demo's own settings.
     */
    List<String> detectionArguments() {
      return source.synthetic() ? demo().detectionArguments() : List.of("--learning-period", Durations.format(episodesAfter));
    }
  }

  /** The Flink PrometheusReporter's ports, as a range: the first free one is taken. */
  static final String FLINK_METRICS_PORTS = "9249-9259";

  private final LocalStack stack;
  private final Settings settings;
  private final AtomicLong flowsSent = new AtomicLong();
  private KafkaProducer<String, FlowEvent> flowProducer;
  private KafkaProducer<String, ClusterState> stateProducer;
  private KafkaProducer<String, DnsTransaction> dnsProducer;
  private SyntheticFlowSource source;
  /** The simulated cluster, when the flows are synthetic. */
  private volatile ClusterSimulator simulator;
  private Collector collector;
  private JobClient trafficJob;
  private FlinkClusterJobs clusterJobs;
  private FlowtelStreamsApp streamsApp;
  private SinkService sink;
  private SinkMetricsServer sinkMetrics;
  private Thread sinkThread;

  LocalPipeline(LocalStack stack, Settings settings) {
    this.stack = stack;
    this.settings = settings;
  }

  void start(Progress progress) throws Exception {
    ElasticsearchConnection elasticsearch = ElasticsearchConnection.to(stack.elasticsearch().url());
    try (RestClient rest = elasticsearch.restClient()) {
      // The local server is one node: a replica could never be placed, and every index would be yellow.
      SetupReport report = new IndexSetup(rest, IndexSettings.defaults(IndexNames.defaults()).withReplicas(0)).install();
      progress.step("Elasticsearch set up: " + report.summary());
    }

    if (settings.kafkaStreams()) {
      startStreamsApp(progress);
    } else {
      startFlinkJobs(progress);
    }

    progress.step("starting the Elasticsearch sink");
    sink = new SinkService(SinkServiceSettings.defaults(stack.kafka().bootstrapServers(), elasticsearch)
        .withGroupId("flowtel-local-sink"));
    sinkThread = new Thread(() -> {
      try {
        sink.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "flowtel-es-sink");
    sinkThread.setDaemon(true);
    sinkThread.start();
    sinkMetrics = SinkMetricsServer.start(0, sink.latency(), sink::writerStats);
    progress.step("Elasticsearch sink metrics: http://127.0.0.1:" + sinkMetrics.port() + "/metrics (latency histograms)");

    if (settings.source().synthetic()) {
      progress.step(settings.demo().describe());
      startSimulator();
    } else {
      startCollector(progress);
    }
  }

  /** The Kafka Streams app with the same settings as the Flink jobs get; its HTTP server on a free port. */
  private void startStreamsApp(Progress progress) throws Exception {
    progress.step("starting the Kafka Streams application (traffic aggregation and policy anomaly detection)");
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", stack.kafka().bootstrapServers(),
        "--application-id", "flowtel-local-streams", "--window", Durations.format(settings.window()),
        "--max-out-of-orderness", "3s", "--commit-interval", "5s", "--http-port", "0", "--http-host", "127.0.0.1",
        "--state-dir", stack.stateDirectory().resolve("streams").toString()));
    args.addAll(settings.detectionArguments());
    StreamsAppConfig config = StreamsAppConfig.parse(args.toArray(String[]::new));
    streamsApp = FlowtelStreamsApp.start(config);
    progress.step("Kafka Streams HTTP: http://127.0.0.1:" + streamsApp.httpPort()
        + " (/health, /metrics, /edges/top?n=10&window=latest, /anomalies/open)");
  }

  private void startFlinkJobs(Progress progress) throws Exception {
    // One job holds both pipelines, so one checkpoint interval: the detection job's default (2 s),
    // at which anomalies become visible, also makes local windows visible sooner.
    String checkpointInterval = Durations.format(PolicyAnomalyConfig.parse().job().checkpointInterval());
    List<String> trafficArgs = List.of("--bootstrap-servers", stack.kafka().bootstrapServers(),
        "--window", Durations.format(settings.window()), "--checkpoint-interval", checkpointInterval,
        "--max-out-of-orderness", "3s", "--group-id", "flowtel-local-traffic",
        "--checkpoint-dir", stack.stateDirectory().resolve("checkpoints").toUri().toString());
    List<String> detectionArgs = new ArrayList<>(List.of("--bootstrap-servers", stack.kafka().bootstrapServers(),
        "--group-id", "flowtel-local-anomalies", "--checkpoint-interval", checkpointInterval, "--max-out-of-orderness", "3s"));
    detectionArgs.addAll(settings.detectionArguments());
    if (settings.flinkCluster()) {
      Path jar = FlinkClusterJobs.jobJar(settings.flinkJobJar());
      clusterJobs = FlinkClusterJobs.start(stack.stateDirectory().resolve("flink"),
          settings.flinkClusterUiPort(), settings.parallelism(), progress);
      clusterJobs.submit(jar, trafficArgs, detectionArgs, settings.parallelism(), progress);
      return;
    }
    progress.step("starting the traffic aggregation and policy anomaly jobs on an embedded Flink MiniCluster");
    TrafficAggregationConfig config = TrafficAggregationConfig.parse(trafficArgs.toArray(String[]::new));
    Map<String, String> flink = new java.util.LinkedHashMap<>(config.flinkConfiguration());
    // Flink's own metrics (the operators' latency histograms among them) on Prometheus' /metrics,
    // on the port the deployed jobs use, or the next free one up to 9259.
    flink.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    flink.put("metrics.reporter.prom.port", FLINK_METRICS_PORTS);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(),
        Configuration.fromMap(flink));
    TrafficAggregationJob job = TrafficAggregationJob.onKafka(config);
    job.configure(env);
    job.attachTo(env);
    PolicyAnomalyConfig detection = PolicyAnomalyConfig.parse(detectionArgs.toArray(String[]::new));
    PolicyAnomalyJob.onKafka(detection).attachTo(env);
    // One job holding both pipelines shares the MiniCluster's slots.
    trafficJob = env.executeAsync("flowtel-local");
    progress.step("Flink metrics: http://127.0.0.1:9249/metrics (Prometheus; the next free port up to 9259 if taken)");
  }

  /** The simulated cluster once started, when the flows are synthetic: the cluster the policy commands are shown. */
  Optional<ClusterSimulator> simulator() {
    return Optional.ofNullable(simulator);
  }

  private void startSimulator() {
    SimulatorSettings simulation = settings.demo().simulation(Instant.now());
    simulator = ClusterSimulator.of(simulation);
    Map<String, Object> producerConfig = Map.of("bootstrap.servers", stack.kafka().bootstrapServers(), "acks", "all",
        "enable.idempotence", true, "linger.ms", 20, "compression.type", "lz4");
    flowProducer = new KafkaProducer<>(producerConfig, new StringSerializer(), new WireSerializer<>(RecordType.FLOW_EVENT));
    stateProducer = new KafkaProducer<>(producerConfig, new StringSerializer(), new WireSerializer<>(RecordType.CLUSTER_STATE));
    for (ClusterStateRecord record : LocalDemo.initialClusterState(simulator)) {
      stateProducer.send(new ProducerRecord<>(FlowtelTopics.CLUSTER_STATE, record.key(), record.value()));
    }
    stateProducer.flush();
    dnsProducer = new KafkaProducer<>(producerConfig, new StringSerializer(), new WireSerializer<>(RecordType.DNS_TRANSACTION));
    // The pods' lookups (search-path expansions included) and the DNS episodes, as a node's collector
    // would publish them, interleaved with the flows in event time.
    source = SyntheticFlowSource.of(simulator).withDns(DnsSimulation.of(simulator, settings.demo().dnsEpisodes()));
    source.start(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        flowProducer.send(new ProducerRecord<>(FlowtelTopics.FLOWS, edgeKey, flow));
        flowsSent.incrementAndGet();
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        stateProducer.send(new ProducerRecord<>(FlowtelTopics.CLUSTER_STATE, record.key(), record.value()));
      }

      @Override
      public void dns(LabeledDns dns) {
        dnsProducer.send(new ProducerRecord<>(FlowtelTopics.DNS, dns.key(), dns.transaction()));
      }
    });
  }

  /** The node agent in this JVM, publishing to the local broker with its spool in the state folder. */
  private void startCollector(Progress progress) throws Exception {
    Path state = stack.stateDirectory();
    List<String> args = new ArrayList<>(List.of("--source=" + settings.source().collectorSource(),
        "--bootstrap-servers=" + stack.kafka().bootstrapServers(), "--spool-dir=" + state.resolve("spool"),
        "--metrics-port=0"));
    args.addAll(settings.source().captureArguments());
    progress.step("starting the collector: " + String.join(" ", args));
    collector = Collector.start(CollectorConfig.parse(args.toArray(String[]::new)));
    progress.step("collector metrics: http://127.0.0.1:" + collector.metricsPort() + "/metrics");
  }

  /** RUNNING while all is well; otherwise the job's state and, when it failed, why. */
  String jobState() {
    if (streamsApp != null) {
      return streamsApp.streams().state().name();
    }
    if (clusterJobs != null) {
      return clusterJobs.jobState();
    }
    if (trafficJob == null) {
      return "not started";
    }
    try {
      String status = trafficJob.getJobStatus().get(5, java.util.concurrent.TimeUnit.SECONDS).name();
      if (status.equals("FAILED")) {
        try {
          trafficJob.getJobExecutionResult().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          Throwable root = e;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          return status + ": " + root;
        }
      }
      return status;
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  long flowsSent() {
    if (collector != null) {
      return (long) collector.metrics().flows(collector.source().name());
    }
    return flowsSent.get();
  }

  long documentsWritten() {
    return sink == null ? 0 : sink.writerStats().acknowledged();
  }

  /** The live view's latency line (p50/p99 per path, from the sink's histograms). */
  String latencyLine() {
    return sink == null ? "latency p50/p99: -" : LatencyText.line(sink.latency());
  }

  /** The summary's latency lines. */
  String latencySummary() {
    return sink == null ? "" : LatencyText.summary(sink.latency());
  }

  @Override
  public void close() {
    if (source != null) {
      source.stop();
    }
    if (collector != null) {
      collector.close();
    }
    if (flowProducer != null) {
      flowProducer.close(Duration.ofSeconds(10));
      stateProducer.close(Duration.ofSeconds(10));
      dnsProducer.close(Duration.ofSeconds(10));
    }
    if (streamsApp != null) {
      streamsApp.close();
    }
    if (trafficJob != null) {
      try {
        trafficJob.cancel().get();
      } catch (Exception ignored) {
        // The MiniCluster goes down with this JVM anyway.
      }
    }
    if (clusterJobs != null) {
      clusterJobs.close();
    }
    if (sink != null) {
      sink.stop();
      try {
        sinkThread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sink.close();
    }
    if (sinkMetrics != null) {
      sinkMetrics.close();
    }
  }
}
