package dev.flowtel.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Testcontainers path, for machines with Docker (-Dflowtel.it.containers=true). Outages are
 * simulated by pausing the container, which keeps its address.
 */
final class ContainerServers {

  static final String KAFKA_IMAGE = "apache/kafka:4.2.0";
  static final String ELASTICSEARCH_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.19.0";

  private ContainerServers() {}

  static KafkaFixture kafka() {
    requireDocker();
    KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
    container.start();
    return new KafkaFixture() {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public void stop() {
        pause(container);
      }

      @Override
      public void start() {
        unpause(container);
      }
    };
  }

  static ElasticsearchFixture elasticsearch() {
    requireDocker();
    ElasticsearchContainer container = new ElasticsearchContainer(ELASTICSEARCH_IMAGE)
        .withEnv("xpack.security.enabled", "false")
        .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
    container.start();
    return new ElasticsearchFixture() {
      @Override
      public String url() {
        return "http://" + container.getHttpHostAddress();
      }

      @Override
      public void stop() {
        pause(container);
      }

      @Override
      public void start() {
        unpause(container);
      }
    };
  }

  private static void requireDocker() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("-Dflowtel.it.containers=true needs a running Docker engine; without it,"
          + " leave the flag off and the tests start local Kafka and Elasticsearch processes");
    }
  }

  private static void pause(GenericContainer<?> container) {
    DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
  }

  private static void unpause(GenericContainer<?> container) {
    DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
  }
}
