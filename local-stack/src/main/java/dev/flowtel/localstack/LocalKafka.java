package dev.flowtel.localstack;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka of a local run, one broker ({@link KafkaBroker}) or three ({@link KafkaCluster}): what
 * {@code ./flowtel up} needs of it, whichever it is.
 */
public interface LocalKafka {

  /** The address (or addresses) clients bootstrap from. */
  String bootstrapServers();

  /** The replication factor Flowtel's topics get here: every broker holds a replica. */
  short replicationFactor();

  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  void createTopics(Collection<NewTopic> topics);

  /** Each broker's server log. */
  List<Path> logFiles();

  /** Stops the broker(s); data stays. */
  void stop();

  /** Leaves stopping to the caller; see {@link KafkaBroker#stopOnlyWhenAsked}. */
  void stopOnlyWhenAsked();
}
