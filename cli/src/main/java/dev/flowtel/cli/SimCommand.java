package dev.flowtel.cli;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.kafka.WireSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel sim}: generates synthetic flows from the simulator and writes them (with the
 * cluster state) to Kafka, or, without {@code --to-kafka}, only measures the generation rate.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {
        "Generates a seeded synthetic cluster's FlowEvents, with injected anomaly episodes, and writes them to Kafka.",
        "Flows are keyed client>server:port/protocol so one service edge stays in one partition; the Namespace and",
        "NetworkPolicy records (and POLICY_CHANGE deletions) go to the cluster-state topic. Same options and seed,",
        "same records. Without --to-kafka it only generates and reports the rate."})
final class SimCommand implements Callable<Integer> {

  @Option(names = "--flows", defaultValue = "10000000", description = "FlowEvents to write.")
  long flows;

  @Option(names = "--to-kafka", description = "Write to Kafka; without it, generate and count only.")
  boolean toKafka;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic for FlowEvents.")
  String topic;

  @Option(names = "--cluster-state-topic", defaultValue = FlowtelTopics.CLUSTER_STATE, description = "Compacted topic for ClusterState records.")
  String clusterStateTopic;

  @Option(names = "--seed", defaultValue = "" + SimulatorSettings.DEFAULT_SEED, description = "Seed of every random choice.")
  long seed;

  @Option(names = "--namespaces", defaultValue = "" + SimulatorSettings.DEFAULT_NAMESPACES, description = "Application namespaces (besides kube-system, ingress-nginx, monitoring).")
  int namespaces;

  @Option(names = "--services-per-namespace", defaultValue = "" + SimulatorSettings.DEFAULT_SERVICES_PER_NAMESPACE, description = "Services per application namespace.")
  int servicesPerNamespace;

  @Option(names = "--pods-per-workload", defaultValue = "" + SimulatorSettings.DEFAULT_PODS_PER_WORKLOAD, description = "Replicas per Deployment and StatefulSet.")
  int podsPerWorkload;

  @Option(names = "--nodes", defaultValue = "" + SimulatorSettings.DEFAULT_NODES, description = "Nodes (each a /24 of 10.244.0.0/16).")
  int nodes;

  @Option(names = "--open-namespaces", defaultValue = "" + SimulatorSettings.DEFAULT_OPEN_NAMESPACES, description = "Application namespaces without NetworkPolicies (the rest are default-deny).")
  int openNamespaces;

  @Option(names = "--extra-edges", defaultValue = "" + SimulatorSettings.DEFAULT_EXTRA_EDGES, description = "Extra random API-to-API calls.")
  int extraEdges;

  @Option(names = "--flows-per-second", defaultValue = "20000", description = "Mean FlowEvents per second of event time.")
  double flowsPerSecond;

  @Option(names = "--rate", defaultValue = "0", description = "Mean wall-clock FlowEvents per second to write, each when the clock reaches its event time (event time runs at --rate / --flows-per-second of real time); 0 is as fast as possible.")
  long rate;

  @Option(names = "--duration", converter = DurationOption.class, defaultValue = "0s",
      description = "Event time to simulate; 0s means long enough for --flows at the mean rate (x2.5, for the daily curve's trough).")
  Duration duration;

  @Option(names = "--start", defaultValue = "2025-01-06T00:00:00Z", description = "Event time of the first flow (ISO-8601 instant).")
  Instant start;

  @Option(names = "--time-compression", defaultValue = "1", description = "Simulated days per real day, for the daily rate curve (1440: a day per minute).")
  double timeCompression;

  @Option(names = "--daily-amplitude", defaultValue = "0.6", description = "Swing of the daily curve around the mean, 0 to 0.95.")
  double dailyAmplitude;

  @Option(names = "--export-interval", converter = DurationOption.class, defaultValue = "5s", description = "Collector export interval.")
  Duration exportInterval;

  @Option(names = "--out-of-order-bound", converter = DurationOption.class, defaultValue = "2s", description = "Largest flowEnd disorder in delivery.")
  Duration outOfOrderBound;

  @Option(names = "--episodes-per-type", defaultValue = "1", description = "Automatic anomaly episodes of each type, between 20%% and 90%% of the duration.")
  int episodesPerType;

  @Option(names = "--episode-duration", converter = DurationOption.class, defaultValue = "1m", description = "Length of each automatic episode.")
  Duration episodeDuration;

  @Option(names = "--episode", description = "An extra episode TYPE@offset+duration[:namespace/workload], e.g. PORT_SCAN@10m+30s; repeatable.")
  List<String> episodes = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Duration simulated = duration.isZero()
        ? Duration.ofMillis(Math.max(60_000, (long) (flows / flowsPerSecond * 2500)))
        : duration;
    List<EpisodeSpec> specs = episodes.stream().map(EpisodeSpec::parse).toList();
    SimulatorSettings settings = new SimulatorSettings(seed, namespaces, servicesPerNamespace, podsPerWorkload, nodes,
        openNamespaces, extraEdges, flowsPerSecond, simulated, start, timeCompression, dailyAmplitude, exportInterval,
        outOfOrderBound, episodesPerType, episodeDuration, specs, rate);
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    Progress progress = new Progress();
    progress.step(String.format(Locale.ROOT, "cluster: %d namespaces, %d workloads, %d services, %d call edges, %d NetworkPolicies; %s of event time",
        simulator.cluster().namespaces().size(), simulator.cluster().workloads().size(), simulator.cluster().services().size(),
        simulator.callGraph().edges().size(), simulator.policies().policies().size(), Durations.format(simulated)));
    for (GroundTruthLabel label : simulator.episodes()) {
      progress.step(String.format(Locale.ROOT, "episode %s %s %s..%s %s -> %s", label.id(), label.type(), label.start(),
          label.end(), label.sourceWorkload(), label.destination()));
    }
    if (!toKafka) {
      ProgressBar bar = new ProgressBar(flows);
      long written = simulator.run(flows, new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          bar.advance();
        }
      });
      bar.finish();
      progress.step("generated " + written + " flows (not written: add --to-kafka)");
      return 0;
    }
    Map<String, Object> client = kafka.settings();
    client.putIfAbsent("linger.ms", "20");
    client.putIfAbsent("batch.size", Integer.toString(512 * 1024));
    client.putIfAbsent("compression.type", "lz4");
    client.putIfAbsent("acks", "all");
    AtomicReference<Exception> failed = new AtomicReference<>();
    Callback onError = (metadata, e) -> {
      if (e != null) {
        failed.compareAndSet(null, e);
      }
    };
    long written;
    try (KafkaProducer<String, FlowEvent> flowProducer = new KafkaProducer<>(client, new StringSerializer(),
            new WireSerializer<>(RecordType.FLOW_EVENT));
        KafkaProducer<String, ClusterState> stateProducer = new KafkaProducer<>(client, new StringSerializer(),
            new WireSerializer<>(RecordType.CLUSTER_STATE))) {
      progress.step("writing " + flows + " flows to " + topic + " and cluster state to " + clusterStateTopic);
      ProgressBar bar = new ProgressBar(flows);
      written = simulator.run(flows, new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          if (failed.get() != null) {
            throw new IllegalStateException("Kafka write failed: " + failed.get().getMessage(), failed.get());
          }
          flowProducer.send(new ProducerRecord<>(topic, edgeKey, flow), onError);
          bar.advance();
        }

        @Override
        public void clusterState(ClusterStateRecord record) {
          stateProducer.send(new ProducerRecord<>(clusterStateTopic, record.key(), record.value()), onError);
        }
      });
      flowProducer.flush();
      stateProducer.flush();
      bar.finish();
    }
    if (failed.get() != null) {
      System.err.println("error: writing to Kafka at " + client.get("bootstrap.servers") + " failed: " + failed.get().getMessage());
      return 1;
    }
    progress.step("wrote " + written + " flows to " + topic);
    return 0;
  }

  /** A one-line progress bar on stderr, redrawn at most twice a second. */
  private static final class ProgressBar {
    private final long total;
    private final long begin = System.nanoTime();
    private long done;
    private long lastDraw;

    ProgressBar(long total) {
      this.total = Math.max(1, total);
    }

    void advance() {
      done++;
      if ((done & 0xFFF) == 0) {
        long now = System.nanoTime();
        if (now - lastDraw > 500_000_000L) {
          lastDraw = now;
          draw(now);
        }
      }
    }

    void finish() {
      draw(System.nanoTime());
      System.err.println();
    }

    private void draw(long now) {
      int width = 40;
      int filled = (int) Math.min(width, done * width / total);
      double seconds = Math.max(1e-9, (now - begin) / 1e9);
      System.err.printf(Locale.ROOT, "\r[%s%s] %3d%% %,d/%,d flows %,.0f/s", "#".repeat(filled), ".".repeat(width - filled),
          Math.min(100, done * 100 / total), done, total, done / seconds);
      System.err.flush();
    }
  }
}
