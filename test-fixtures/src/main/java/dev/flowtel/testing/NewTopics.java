package dev.flowtel.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates test topics and returns once every partition has a leader in the metadata the broker
 * answers with, so clients started next find them. The broker may still refuse a first produce with
 * NOT_LEADER_OR_FOLLOWER for a moment after that (seen in CI); {@link InputProducer} retries such a
 * batch safely.
 */
public final class NewTopics {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private NewTopics() {}

  public static void create(Admin admin, Collection<NewTopic> topics) throws Exception {
    admin.createTopics(topics).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    List<String> names = topics.stream().map(NewTopic::name).toList();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      if (allLed(admin, names)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics " + names + " still have partitions without a leader after " + TIMEOUT);
      }
      Thread.sleep(50); // how often to look, not what is waited for
    }
  }

  /**
   * Whether every partition of {@code names} has a leader in the metadata the broker answers with.
   * The controller has committed the topics when createTopics returns, but a busy broker applies
   * that to its own metadata a moment later: until then it does not know them (seen under load).
   */
  private static boolean allLed(Admin admin, List<String> names) throws Exception {
    Map<String, TopicDescription> described;
    try {
      described = admin.describeTopics(names).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
    return described.values().stream().flatMap(d -> d.partitions().stream())
        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }
}
