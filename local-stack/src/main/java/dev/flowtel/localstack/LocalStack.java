package dev.flowtel.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The servers of a local Flowtel run, Kafka (one broker, or a cluster of three) and Elasticsearch,
 * started side by side with all their files under one state folder: {@code <state>/kafka} (a
 * cluster's nodes in {@code <state>/kafka/node-<id>}) and {@code <state>/elasticsearch}.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * Ports and heaps of the local servers; the defaults are Kafka's and Elasticsearch's usual ports.
   * {@code kafkaBrokers} is 1, or 3 for a {@link KafkaCluster} on {@code kafkaPort} and the two
   * ports after it, each node with {@code kafkaHeap}.
   */
  public record Settings(Path stateDirectory, int kafkaPort, int elasticsearchPort, String kafkaHeap,
      String elasticsearchHeap, int kafkaBrokers) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_ELASTICSEARCH_PORT = 9200;

    public Settings {
      if (kafkaBrokers != 1 && kafkaBrokers != KafkaCluster.Settings.REPLICATION_FACTOR) {
        throw new IllegalArgumentException("Kafka brokers: " + kafkaBrokers + "; expected 1, or "
            + KafkaCluster.Settings.REPLICATION_FACTOR + " for a replicated cluster");
      }
    }

    /** One Kafka broker. */
    public Settings(Path stateDirectory, int kafkaPort, int elasticsearchPort, String kafkaHeap, String elasticsearchHeap) {
      this(stateDirectory, kafkaPort, elasticsearchPort, kafkaHeap, elasticsearchHeap, 1);
    }

    public static Settings defaults(Path stateDirectory) {
      return new Settings(stateDirectory, DEFAULT_KAFKA_PORT, DEFAULT_ELASTICSEARCH_PORT, "1g", "1g");
    }
  }

  private final Path stateDirectory;
  private final LocalKafka kafka;
  private final ElasticsearchServer elasticsearch;

  private LocalStack(Path stateDirectory, LocalKafka kafka, ElasticsearchServer elasticsearch) {
    this.stateDirectory = stateDirectory;
    this.kafka = kafka;
    this.elasticsearch = elasticsearch;
  }

  /** Starts both servers in parallel, reporting each step to {@code progress}. */
  public static LocalStack start(Settings settings, Consumer<String> progress) {
    Path state = settings.stateDirectory().toAbsolutePath();
    boolean cluster = settings.kafkaBrokers() > 1;
    progress.accept("starting Kafka (KRaft" + (cluster ? ", " + settings.kafkaBrokers() + " brokers" : "") + ") on 127.0.0.1:"
        + settings.kafkaPort() + (cluster ? "-" + (settings.kafkaPort() + settings.kafkaBrokers() - 1) : "")
        + " and Elasticsearch on 127.0.0.1:" + settings.elasticsearchPort());
    int controllerPort = LocalPorts.free();
    // Own threads, not the common pool: it has a single worker on two cores, and others need it.
    ExecutorService starters = Executors.newFixedThreadPool(2);
    CompletableFuture<LocalKafka> kafka = CompletableFuture.supplyAsync(() -> cluster
        ? KafkaCluster.start(KafkaCluster.Settings.in(state.resolve("kafka")).withPortsFrom(settings.kafkaPort())
            .withHeap(settings.kafkaHeap()))
        : KafkaBroker.start(new KafkaBroker.Settings(state.resolve("kafka"), settings.kafkaPort(), controllerPort, null,
            java.util.Map.of(), settings.kafkaHeap())), starters);
    CompletableFuture<ElasticsearchServer> elasticsearch = CompletableFuture.supplyAsync(() -> ElasticsearchServer.start(
        new ElasticsearchServer.Settings(state.resolve("elasticsearch"), settings.elasticsearchPort(),
            settings.elasticsearchHeap())), starters);
    starters.shutdown();
    try {
      LocalKafka broker = kafka.join();
      progress.accept("Kafka is up at " + broker.bootstrapServers() + (cluster ? " (" + settings.kafkaBrokers()
          + " brokers; topics replicated " + broker.replicationFactor() + " times, min.insync.replicas "
          + KafkaCluster.Settings.MIN_IN_SYNC_REPLICAS + ")" : ""));
      ElasticsearchServer server = elasticsearch.join();
      progress.accept("Elasticsearch is up at " + server.url());
      return new LocalStack(state, broker, server);
    } catch (CompletionException e) {
      kafka.thenAccept(LocalKafka::stop);
      elasticsearch.thenAccept(ElasticsearchServer::stop);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  public LocalKafka kafka() {
    return kafka;
  }

  /** The folder every server's files are under. */
  public Path stateDirectory() {
    return stateDirectory;
  }

  public ElasticsearchServer elasticsearch() {
    return elasticsearch;
  }

  /** The servers stop only when {@link #close} is called, not by themselves when the JVM exits; see {@link KafkaBroker#stopOnlyWhenAsked}. */
  public void stopOnlyWhenClosed() {
    kafka.stopOnlyWhenAsked();
    elasticsearch.stopOnlyWhenAsked();
  }

  @Override
  public void close() {
    elasticsearch.stop();
    kafka.stop();
  }

  /**
   * Stops servers that an earlier run left behind (a killed {@code ./flowtel up}), found by their
   * pid files under {@code stateDirectory}; returns one line per server stopped.
   */
  public static List<String> stopLeftovers(Path stateDirectory) {
    List<String> stopped = new ArrayList<>();
    for (String[] server : new String[][] {{"Kafka", "kafka/kafka.pid"}, {"Kafka node 1", "kafka/node-1/kafka.pid"},
        {"Kafka node 2", "kafka/node-2/kafka.pid"}, {"Kafka node 3", "kafka/node-3/kafka.pid"},
        {"Elasticsearch", "elasticsearch/elasticsearch.pid"}}) {
      ChildProcess.fromPidFile(stateDirectory.resolve(server[1])).ifPresent(process -> {
        boolean killed = ChildProcess.terminate(process, Duration.ofSeconds(30));
        stopped.add(server[0] + " (pid " + process.pid() + ")" + (killed ? " killed" : " stopped"));
      });
    }
    // ./flowtel up --flink-cluster keeps its session cluster under flink/.
    stopped.addAll(FlinkSessionCluster.stopLeftovers(stateDirectory.resolve("flink")));
    return stopped;
  }
}
