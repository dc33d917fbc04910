package dev.flowtel.testing;

import dev.flowtel.localstack.ElasticsearchServer;
import dev.flowtel.localstack.KafkaBroker;
import dev.flowtel.localstack.KafkaCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One Kafka broker and one Elasticsearch server per test JVM, started on first use with the same
 * code as {@code ./flowtel up}, on ephemeral ports, with data under {@code target/flowtel-it}, and
 * stopped at JVM exit even when tests fail (the servers' shutdown hooks).
 */
public final class SharedServers {

  /** -Dflowtel.it.containers=true: use Testcontainers (needs Docker) instead of local processes. */
  public static final boolean CONTAINERS = Boolean.getBoolean("flowtel.it.containers");

  private static KafkaFixture kafka;
  private static ElasticsearchFixture elasticsearch;
  private static KafkaCluster kafkaCluster;

  private SharedServers() {}

  public static synchronized KafkaFixture kafka() {
    if (kafka == null) {
      kafka = CONTAINERS ? ContainerServers.kafka() : localKafka();
    }
    return kafka;
  }

  /**
   * The JVM's three-node Kafka cluster, for tests that kill a broker under replicated topics;
   * started on first use only, so JVMs whose tests need one broker never pay for three.
   */
  public static synchronized KafkaCluster kafkaCluster() {
    if (kafkaCluster == null) {
      Instant begin = Instant.now();
      kafkaCluster = KafkaCluster.start(KafkaCluster.Settings.in(scratch("kafka-cluster")));
      System.out.printf("[flowtel-it] Kafka cluster %s started in %d ms%n", kafkaCluster.bootstrapServers(),
          Duration.between(begin, Instant.now()).toMillis());
    }
    return kafkaCluster;
  }

  public static synchronized ElasticsearchFixture elasticsearch() {
    if (elasticsearch == null) {
      elasticsearch = CONTAINERS ? ContainerServers.elasticsearch() : localElasticsearch();
    }
    return elasticsearch;
  }

  /** A folder for one test's own server or files, unique per JVM, under target/flowtel-it. */
  public static Path scratch(String name) {
    return Path.of("target", "flowtel-it", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
  }

  private static KafkaFixture localKafka() {
    Instant begin = Instant.now();
    KafkaBroker broker = KafkaBroker.start(KafkaBroker.Settings.in(scratch("kafka")));
    System.out.printf("[flowtel-it] Kafka broker %s started in %d ms%n", broker.bootstrapServers(),
        Duration.between(begin, Instant.now()).toMillis());
    return new KafkaFixture() {
      @Override
      public String bootstrapServers() {
        return broker.bootstrapServers();
      }

      @Override
      public void stop() {
        broker.stop();
      }

      @Override
      public void start() {
        broker.start();
      }
    };
  }

  private static ElasticsearchFixture localElasticsearch() {
    Instant begin = Instant.now();
    ElasticsearchServer server = ElasticsearchServer.start(ElasticsearchServer.Settings.in(scratch("elasticsearch")));
    System.out.printf("[flowtel-it] Elasticsearch %s started in %d ms%n", server.url(),
        Duration.between(begin, Instant.now()).toMillis());
    return new ElasticsearchFixture() {
      @Override
      public String url() {
        return server.url();
      }

      @Override
      public void stop() {
        server.stop();
      }

      @Override
      public void start() {
        server.start();
      }
    };
  }
}
