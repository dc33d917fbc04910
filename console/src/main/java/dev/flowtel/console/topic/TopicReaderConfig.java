package dev.flowtel.console.topic;

import java.util.HashMap;
import java.util.Map;

/**
 * Consumer settings of the console's topic readers (the live range, the policy history): each
 * assigns its partitions itself and commits nothing, so it must not join a group that a properties
 * file shared with other programs names; it sees only committed transactions, as users of the
 * pipeline's exactly-once output do; and it never creates a topic by asking for one (the pipeline
 * creates its topics with their partitions).
 */
public final class TopicReaderConfig {

  private TopicReaderConfig() {}

  /** {@code client} with the reader's settings over it; {@code clientId} unless the client names one. */
  public static Map<String, Object> of(Map<String, ?> client, String clientId) {
    Map<String, Object> config = new HashMap<>(client);
    config.remove("group.id");
    config.put("enable.auto.commit", "false");
    config.put("isolation.level", "read_committed");
    config.put("allow.auto.create.topics", "false");
    config.putIfAbsent("client.id", clientId);
    return config;
  }
}
