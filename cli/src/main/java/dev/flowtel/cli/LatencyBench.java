package dev.flowtel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import dev.flowtel.flink.detection.PolicyAnomalyConfig;
import dev.flowtel.flink.detection.PolicyAnomalyJob;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.source.SyntheticFlowSource;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.sink.elasticsearch.service.SinkService;
import dev.flowtel.sink.elasticsearch.service.SinkServiceSettings;
import dev.flowtel.streams.app.FlowtelStreamsApp;
import dev.flowtel.streams.app.StreamsAppConfig;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.kafka.WireDeserializer;
import dev.flowtel.wire.kafka.WireSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.elasticsearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel bench latency}: how long a user waits. Runs the local pipeline as {@code up} runs
 * it (a real broker and Elasticsearch, each engine with exactly-once output, the Elasticsearch
 * sink) with the simulator paced in wall-clock time at each rate, injects a port scan and a policy
 * violation alternately, and measures per path, from the flow that completed the evidence (the
 * anomaly's {@code lastSeen} at its first revision) or from the end of a traffic window, to the
 * record visible to a read_committed subscriber and to the document searchable in Elasticsearch.
 * Each run uses its own topics and index prefix on the same servers, so runs never see each other.
 */
@Command(name = "latency", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {"Latency from the evidence-completing flow to the anomaly on the topic and in Elasticsearch, and from a",
        "traffic window's end to its record and document, for each engine and rate, with exactly-once output."})
final class LatencyBench implements Callable<Integer> {

  private static final List<AnomalyType> MEASURED = List.of(AnomalyType.PORT_SCAN, AnomalyType.POLICY_VIOLATION);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--rates", split = ",", defaultValue = "2000,50000", description = "Flows per second of the paced simulator, one run each.")
  List<Double> rates;

  @Option(names = "--engines", split = ",", defaultValue = "flink,kafka-streams", description = "Engines to measure, one run each.")
  List<String> engines;

  @Option(names = "--warm-up", defaultValue = "45s", converter = DurationOption.class,
      description = "Run before measuring (start-up, first checkpoints); episodes start then.")
  Duration warmUp;

  @Option(names = "--measure", defaultValue = "2m", converter = DurationOption.class, description = "How long each run measures.")
  Duration measure;

  @Option(names = "--every", defaultValue = "10s", converter = DurationOption.class,
      description = "An injected episode every this long, a port scan and a policy violation in turn.")
  Duration every;

  @Option(names = "--window", defaultValue = "10s", converter = DurationOption.class, description = "Traffic window (the jobs' default).")
  Duration window;

  @Option(names = "--commit-interval", defaultValue = "5s", converter = DurationOption.class,
      description = "Kafka Streams commit interval: exactly_once_v2 output is visible at each commit (the app's default).")
  Duration commitInterval;

  @Option(names = "--dir", defaultValue = "target/bench-latency", description = "Folder for the servers' data.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path state = dir.toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    List<String> rows = new ArrayList<>();
    try (LocalStack stack = LocalStack.start(new LocalStack.Settings(state, LocalPorts.free(), LocalPorts.free(), "1g", "1g"),
        step -> System.out.println("[bench] " + step))) {
      int run = 0;
      for (String engine : engines) {
        for (double rate : rates) {
          run++;
          Run measured = new Run(stack, "lat" + run, engine.toLowerCase(Locale.ROOT), rate, state.resolve("lat" + run));
          rows.addAll(measured.measure());
        }
      }
    }
    System.out.printf("%nLatency (ms), window %s, Flink checkpoints at each job's default (traffic %s, detection %s), Kafka Streams"
        + " commit %s, episode every %s, measured %s per run%n", Durations.format(window),
        Durations.format(TrafficAggregationConfig.parse().job().checkpointInterval()),
        Durations.format(PolicyAnomalyConfig.parse().job().checkpointInterval()), Durations.format(commitInterval),
        Durations.format(every), Durations.format(measure));
    System.out.printf("%-13s %7s  %-46s %5s %8s %8s %8s %11s %15s%n", "engine", "flows/s", "path", "n", "p50", "p99", "max",
        "p99/window", "p99/visibility");
    rows.forEach(System.out::println);
    return 0;
  }

  /** One engine at one rate: its own topics, index prefix, job or app, sink and simulator. */
  private final class Run {
    private final LocalStack stack;
    private final String prefix;
    private final String engine;
    private final double rate;
    private final Path folder;
    /** Per anomaly type, anomaly id to latency. */
    private final Map<AnomalyType, Map<String, Long>> anomalyOnTopic = new ConcurrentHashMap<>();
    private final Map<AnomalyType, Map<String, Long>> anomalyInEs = new ConcurrentHashMap<>();
    private final Map<String, AnomalyType> typeOf = new ConcurrentHashMap<>();
    private final Map<String, Long> windowOnTopic = new ConcurrentHashMap<>();
    private final Map<String, Long> windowInEs = new ConcurrentHashMap<>();
    /** Documents still to be found in Elasticsearch, to the time measured from. */
    private final Map<DocumentRef, Long> pendingAnomalies = new ConcurrentHashMap<>();
    private final Map<DocumentRef, Long> pendingWindows = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong maxEventLagMillis = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);

    Run(LocalStack stack, String prefix, String engine, double rate, Path folder) {
      this.stack = stack;
      this.prefix = prefix;
      this.engine = engine;
      this.rate = rate;
      this.folder = folder;
    }

    private String topic(String name) {
      return prefix + "." + name;
    }

    List<String> measure() throws Exception {
      String bootstrap = stack.kafka().bootstrapServers();
      List<NewTopic> topics = FlowtelTopics.layouts().stream()
          .map(t -> new NewTopic(topic(t.name()), t.name().equals(FlowtelTopics.CLUSTER_STATE) ? 1 : 2, (short) 1).configs(t.config()))
          .toList();
      stack.kafka().createTopics(topics);
      IndexNames names = new IndexNames(prefix + "-");
      ElasticsearchConnection elasticsearch = ElasticsearchConnection.to(stack.elasticsearch().url());
      try (RestClient rest = elasticsearch.restClient()) {
        new IndexSetup(rest, IndexSettings.defaults(names).withReplicas(0)).install();
      }
      System.out.printf("[bench] %s at %,.0f flows/s: starting%n", engine, rate);
      AutoCloseable engineRun = engine.equals("flink") ? startFlink(bootstrap) : startStreams(bootstrap);
      SinkService sink = new SinkService(SinkServiceSettings.defaults(bootstrap, elasticsearch).withGroupId(prefix + "-sink")
          .withNames(names).withTopics(topic(FlowtelTopics.SERVICE_TRAFFIC), topic(FlowtelTopics.ANOMALIES),
              topic(FlowtelTopics.FLOWS), topic(FlowtelTopics.DLQ)));
      Thread sinkThread = Thread.ofPlatform().name(prefix + "-sink").daemon().start(() -> {
        try {
          sink.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Instant start = Instant.now();
      long measureFrom = start.plus(warmUp).toEpochMilli();
      long measureUntil = start.plus(warmUp).plus(measure).toEpochMilli();
      List<Thread> observers = List.of(
          Thread.ofPlatform().name(prefix + "-anomalies").daemon().start(() -> watchAnomalies(bootstrap, names, measureFrom, measureUntil)),
          Thread.ofPlatform().name(prefix + "-traffic").daemon().start(() -> watchTraffic(bootstrap, names, measureFrom, measureUntil)),
          Thread.ofPlatform().name(prefix + "-es").daemon().start(() -> watchElasticsearch(stack.elasticsearch().url())));
      Simulation simulation = simulate(bootstrap, start);
      // Measured until the last episode's evidence has had the time a slow path needs to show up.
      Thread.sleep(Duration.between(Instant.now(), start.plus(warmUp).plus(measure).plus(Duration.ofSeconds(90))).toMillis());
      running.set(false);
      simulation.close();
      for (Thread t : observers) {
        t.join(10_000);
      }
      sink.stop();
      sinkThread.join(10_000);
      sink.close();
      engineRun.close();
      System.out.printf("[bench] %s at %,.0f flows/s: %,d flows sent, event time at most %,d ms behind the wall clock%n", engine, rate,
          sent.get(), maxEventLagMillis.get());
      boolean flink = engine.equals("flink");
      long anomalyVisibility = (flink ? PolicyAnomalyConfig.parse().job().checkpointInterval() : commitInterval).toMillis();
      long trafficVisibility = (flink ? TrafficAggregationConfig.parse().job().checkpointInterval() : commitInterval).toMillis();
      List<String> rows = new ArrayList<>();
      for (AnomalyType type : MEASURED) {
        String name = type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        rows.add(row("evidence -> " + name + " on topic", anomalyOnTopic.getOrDefault(type, Map.of()), anomalyVisibility));
        rows.add(row("evidence -> " + name + " in Elasticsearch", anomalyInEs.getOrDefault(type, Map.of()), anomalyVisibility));
      }
      rows.add(row("window end -> traffic on topic", windowOnTopic, trafficVisibility));
      rows.add(row("window end -> traffic in Elasticsearch", windowInEs, trafficVisibility));
      return rows;
    }

    private String row(String path, Map<String, Long> latencies, long visibilityMillis) {
      List<Long> sorted = new ArrayList<>(latencies.values());
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        return String.format(Locale.ROOT, "%-13s %,7.0f  %-46s %5d  (none measured)", engine, rate, path, 0);
      }
      long p50 = percentile(sorted, 0.50);
      long p99 = percentile(sorted, 0.99);
      return String.format(Locale.ROOT, "%-13s %,7.0f  %-46s %5d %,8d %,8d %,8d %11.2f %15.2f", engine, rate, path, sorted.size(), p50, p99,
          sorted.get(sorted.size() - 1), (double) p99 / window.toMillis(), (double) p99 / visibilityMillis);
    }

    /** The two jobs as they are deployed: each on its own (mini) cluster, at its own checkpoint interval. */
    private AutoCloseable startFlink(String bootstrap) throws Exception {
      String checkpoints = folder.resolve("checkpoints").toUri().toString();
      TrafficAggregationConfig traffic = TrafficAggregationConfig.parse("--bootstrap-servers", bootstrap,
          "--flows-topic", topic(FlowtelTopics.FLOWS), "--traffic-topic", topic(FlowtelTopics.SERVICE_TRAFFIC),
          "--dlq-topic", topic(FlowtelTopics.DLQ), "--group-id", prefix + "-traffic", "--window", Durations.format(window),
          "--checkpoint-dir", checkpoints + "/traffic");
      StreamExecutionEnvironment trafficEnv = StreamExecutionEnvironment.createLocalEnvironment(2,
          Configuration.fromMap(traffic.flinkConfiguration()));
      TrafficAggregationJob trafficJob = TrafficAggregationJob.onKafka(traffic);
      trafficJob.configure(trafficEnv);
      trafficJob.attachTo(trafficEnv);
      PolicyAnomalyConfig detection = PolicyAnomalyConfig.parse("--bootstrap-servers", bootstrap,
          "--flows-topic", topic(FlowtelTopics.FLOWS), "--cluster-state-topic", topic(FlowtelTopics.CLUSTER_STATE),
          "--anomalies-topic", topic(FlowtelTopics.ANOMALIES), "--dlq-topic", topic(FlowtelTopics.DLQ),
          "--group-id", prefix + "-anomalies", "--checkpoint-dir", checkpoints + "/detection",
          "--learning-period", Durations.format(warmUp));
      StreamExecutionEnvironment detectionEnv = StreamExecutionEnvironment.createLocalEnvironment(2,
          Configuration.fromMap(detection.flinkConfiguration()));
      PolicyAnomalyJob detectionJob = PolicyAnomalyJob.onKafka(detection);
      detectionJob.configure(detectionEnv);
      detectionJob.attachTo(detectionEnv);
      JobClient trafficClient = trafficEnv.executeAsync(prefix + "-traffic");
      JobClient detectionClient = detectionEnv.executeAsync(prefix + "-detection");
      return () -> {
        trafficClient.cancel().get(30, TimeUnit.SECONDS);
        detectionClient.cancel().get(30, TimeUnit.SECONDS);
      };
    }

    private AutoCloseable startStreams(String bootstrap) throws Exception {
      StreamsAppConfig config = StreamsAppConfig.parse("--bootstrap-servers", bootstrap, "--application-id", prefix,
          "--flows-topic", topic(FlowtelTopics.FLOWS), "--cluster-state-topic", topic(FlowtelTopics.CLUSTER_STATE),
          "--traffic-topic", topic(FlowtelTopics.SERVICE_TRAFFIC), "--anomalies-topic", topic(FlowtelTopics.ANOMALIES),
          "--dlq-topic", topic(FlowtelTopics.DLQ), "--window", Durations.format(window),
          "--commit-interval", Durations.format(commitInterval), "--http-port", "0", "--http-host", "127.0.0.1",
          "--state-dir", folder.resolve("streams").toString(), "--learning-period", Durations.format(warmUp));
      FlowtelStreamsApp app = FlowtelStreamsApp.start(config);
      return app;
    }

    /** The paced simulator with an episode every --every from the end of the warm-up on, alternating scan and violation. */
    private Simulation simulate(String bootstrap, Instant start) {
      List<EpisodeSpec> episodes = new ArrayList<>();
      long count = (measure.toMillis() / every.toMillis()) + 1;
      for (int i = 0; i < count; i++) {
        EpisodeType type = i % 2 == 0 ? EpisodeType.PORT_SCAN : EpisodeType.POLICY_VIOLATION;
        episodes.add(new EpisodeSpec(type, warmUp.plus(every.multipliedBy(i)), Duration.ofSeconds(3), null));
      }
      SimulatorSettings settings = SimulatorSettings.defaults().withSeed(7).withStart(start).withDuration(Duration.ofDays(1))
          .withFlowsPerSecond(rate).withPacedFlowsPerSecond(Math.round(rate)).withEpisodesPerType(0).withEpisodes(episodes);
      ClusterSimulator simulator = ClusterSimulator.of(settings);
      Map<String, Object> producerConfig = Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true,
          "linger.ms", 20, "compression.type", "lz4");
      KafkaProducer<String, FlowEvent> flows = new KafkaProducer<>(producerConfig, new StringSerializer(),
          new WireSerializer<>(RecordType.FLOW_EVENT));
      KafkaProducer<String, ClusterState> clusterState = new KafkaProducer<>(producerConfig, new StringSerializer(),
          new WireSerializer<>(RecordType.CLUSTER_STATE));
      for (ClusterStateRecord record : simulator.clusterState()) {
        clusterState.send(new ProducerRecord<>(topic(FlowtelTopics.CLUSTER_STATE), record.key(), record.value()));
      }
      clusterState.flush();
      SyntheticFlowSource source = SyntheticFlowSource.of(simulator);
      source.start(new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          flows.send(new ProducerRecord<>(topic(FlowtelTopics.FLOWS), edgeKey, flow));
          if (sent.incrementAndGet() % 1024 == 0) {
            long lag = System.currentTimeMillis() - flow.getFlowEnd().toEpochMilli();
            maxEventLagMillis.accumulateAndGet(lag, Math::max);
          }
        }

        @Override
        public void clusterState(ClusterStateRecord record) {
          clusterState.send(new ProducerRecord<>(topic(FlowtelTopics.CLUSTER_STATE), record.key(), record.value()));
        }
      });
      return () -> {
        source.stop();
        flows.close(Duration.ofSeconds(10));
        clusterState.close(Duration.ofSeconds(10));
      };
    }

    /** First sight of each scan and violation whose completing flow fell in the measured time. */
    private void watchAnomalies(String bootstrap, IndexNames names, long from, long until) {
      AnomalyDocuments documents = new AnomalyDocuments(names);
      try (KafkaConsumer<String, DecodeResult<PolicyAnomaly>> consumer = committedReader(bootstrap, RecordType.POLICY_ANOMALY)) {
        consumer.subscribe(List.of(topic(FlowtelTopics.ANOMALIES)));
        Set<String> seen = new HashSet<>();
        while (running.get()) {
          for (ConsumerRecord<String, DecodeResult<PolicyAnomaly>> r : consumer.poll(Duration.ofMillis(100))) {
            long now = System.currentTimeMillis();
            if (!(r.value() instanceof DecodeResult.Decoded<PolicyAnomaly> decoded)) {
              continue;
            }
            PolicyAnomaly a = decoded.record();
            long completed = a.getLastSeen().toEpochMilli();
            if (seen.add(a.getId()) && MEASURED.contains(a.getType()) && completed >= from && completed < until) {
              anomalyOnTopic.computeIfAbsent(a.getType(), k -> new ConcurrentHashMap<>()).put(a.getId(), now - completed);
              DocumentRef doc = DocumentRef.of(documents.build(a));
              typeOf.put(doc.toString(), a.getType());
              pendingAnomalies.put(doc, completed);
            }
          }
        }
      }
    }

    /** First sight of each traffic window (base windows only) that ended in the measured time. */
    private void watchTraffic(String bootstrap, IndexNames names, long from, long until) {
      TrafficDocuments documents = new TrafficDocuments(names);
      try (KafkaConsumer<String, DecodeResult<ServiceTraffic>> consumer = committedReader(bootstrap, RecordType.SERVICE_TRAFFIC)) {
        consumer.subscribe(List.of(topic(FlowtelTopics.SERVICE_TRAFFIC)));
        Map<Long, Integer> perWindow = new HashMap<>();
        while (running.get()) {
          for (ConsumerRecord<String, DecodeResult<ServiceTraffic>> r : consumer.poll(Duration.ofMillis(100))) {
            long now = System.currentTimeMillis();
            if (!(r.value() instanceof DecodeResult.Decoded<ServiceTraffic> decoded)) {
              continue;
            }
            ServiceTraffic t = decoded.record();
            long end = t.getWindowEnd().toEpochMilli();
            boolean baseWindow = end - t.getWindowStart().toEpochMilli() == window.toMillis();
            // 20 edges a window are enough for percentiles, and keep Elasticsearch polling light.
            if (baseWindow && t.getRevision() == 0 && end >= from && end < until && perWindow.merge(end, 1, Integer::sum) <= 20) {
              DocumentRef doc = DocumentRef.of(documents.build(t));
              windowOnTopic.put(doc.toString(), now - end);
              pendingWindows.put(doc, end);
            }
          }
        }
      }
    }

    /** Polls Elasticsearch for the documents seen on the topics until each is searchable (a refresh makes it so). */
    private void watchElasticsearch(String url) {
      HttpClient http = HttpClient.newHttpClient();
      while (running.get()) {
        try {
          find(http, url, pendingAnomalies, (doc, from) -> anomalyInEs.computeIfAbsent(typeOf.get(doc.toString()),
              k -> new ConcurrentHashMap<>()).put(doc.toString(), System.currentTimeMillis() - from));
          find(http, url, pendingWindows, (doc, from) -> windowInEs.put(doc.toString(), System.currentTimeMillis() - from));
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          System.out.println("[bench] Elasticsearch poll: " + e.getMessage());
        }
      }
    }

    private void find(HttpClient http, String url, Map<DocumentRef, Long> pending,
        java.util.function.BiConsumer<DocumentRef, Long> found) throws Exception {
      if (pending.isEmpty()) {
        return;
      }
      List<DocumentRef> docs = new ArrayList<>(pending.keySet());
      ObjectNode body = JSON.createObjectNode();
      ArrayNode list = body.putArray("docs");
      for (DocumentRef doc : docs) {
        list.addObject().put("_index", doc.index()).put("_id", doc.id()).put("_source", false);
      }
      // A search sees what a refresh made visible; a realtime get would see documents users cannot find yet.
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/_mget?realtime=false"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode results = JSON.readTree(response.body()).path("docs");
      for (int i = 0; i < docs.size() && i < results.size(); i++) {
        if (results.get(i).path("found").asBoolean(false)) {
          Long from = pending.remove(docs.get(i));
          if (from != null) {
            found.accept(docs.get(i), from);
          }
        }
      }
    }
  }

  private static <T extends org.apache.avro.specific.SpecificRecordBase> KafkaConsumer<String, DecodeResult<T>> committedReader(
      String bootstrap, RecordType<T> type) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new WireDeserializer<>(type));
  }

  static long percentile(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Where a document will be: its index and id. */
  private record DocumentRef(String index, String id) {
    static DocumentRef of(IndexDocument doc) {
      return new DocumentRef(doc.index(), doc.id());
    }

    @Override
    public String toString() {
      return index + "/" + id;
    }
  }

  /** What a run stops at its end. */
  private interface Simulation extends AutoCloseable {
    @Override
    void close();
  }
}
