package dev.flowtel.localstack;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka of a local run, one broker ({@link KafkaBroker}) or three ({@link KafkaCluster}): what
 * {@code ./flowtel up} needs of it, whichever it is.
 */
public interface LocalKafka {

  /** The address (or addresses) clients bootstrap from. */
  String bootstrapServers();

  /** The replication factor Flowtel's topics get here: every broker holds a replica. */
  short replicationFactor();

  /** An admin client of this Kafka; the caller closes it. */
  default Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  default void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = admin()) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not create topics within 30 s", e);
    }
  }

  /** Each broker's server log. */
  List<Path> logFiles();

  /** Stops the broker(s); data stays. */
  void stop();

  /** Leaves stopping to the caller; see {@link KafkaBroker#stopOnlyWhenAsked}. */
  void stopOnlyWhenAsked();
}
