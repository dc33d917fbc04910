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
 * The servers of a local Flowtel run, Kafka and Elasticsearch, started side by side with all their
 * files under one state folder: {@code <state>/kafka} and {@code <state>/elasticsearch}.
 */
public final class LocalStack implements AutoCloseable {

  /** Ports and heaps of the local servers; the defaults are Kafka's and Elasticsearch's usual ports. */
  public record Settings(Path stateDirectory, int kafkaPort, int elasticsearchPort, String kafkaHeap,
      String elasticsearchHeap) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_ELASTICSEARCH_PORT = 9200;

    public static Settings defaults(Path stateDirectory) {
      return new Settings(stateDirectory, DEFAULT_KAFKA_PORT, DEFAULT_ELASTICSEARCH_PORT, "1g", "1g");
    }
  }

  private final KafkaBroker kafka;
  private final ElasticsearchServer elasticsearch;

  private LocalStack(KafkaBroker kafka, ElasticsearchServer elasticsearch) {
    this.kafka = kafka;
    this.elasticsearch = elasticsearch;
  }

  /** Starts both servers in parallel, reporting each step to {@code progress}. */
  public static LocalStack start(Settings settings, Consumer<String> progress) {
    Path state = settings.stateDirectory().toAbsolutePath();
    progress.accept("starting Kafka (KRaft) on 127.0.0.1:" + settings.kafkaPort()
        + " and Elasticsearch on 127.0.0.1:" + settings.elasticsearchPort());
    int controllerPort = LocalPorts.free();
    // Own threads, not the common pool: it has a single worker on two cores, and others need it.
    ExecutorService starters = Executors.newFixedThreadPool(2);
    CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> KafkaBroker.start(
        new KafkaBroker.Settings(state.resolve("kafka"), settings.kafkaPort(), controllerPort, null,
            java.util.Map.of(), settings.kafkaHeap())), starters);
    CompletableFuture<ElasticsearchServer> elasticsearch = CompletableFuture.supplyAsync(() -> ElasticsearchServer.start(
        new ElasticsearchServer.Settings(state.resolve("elasticsearch"), settings.elasticsearchPort(),
            settings.elasticsearchHeap())), starters);
    starters.shutdown();
    try {
      KafkaBroker broker = kafka.join();
      progress.accept("Kafka is up at " + broker.bootstrapServers());
      ElasticsearchServer server = elasticsearch.join();
      progress.accept("Elasticsearch is up at " + server.url());
      return new LocalStack(broker, server);
    } catch (CompletionException e) {
      kafka.thenAccept(KafkaBroker::stop);
      elasticsearch.thenAccept(ElasticsearchServer::stop);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  public KafkaBroker kafka() {
    return kafka;
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
    for (String[] server : new String[][] {{"Kafka", "kafka/kafka.pid"}, {"Elasticsearch", "elasticsearch/elasticsearch.pid"}}) {
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
