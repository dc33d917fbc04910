package dev.flowtel.flink.config;

import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import picocli.CommandLine.Option;

/**
 * Where a Flowtel Flink job reads flows, where the records it cannot use go, and the consumer group
 * it reads as (a picocli mixin, so both jobs declare these once). Only the group's default differs:
 * each job has its own group, named after the job, so the job's config passes it in.
 */
public final class FlowInputOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS, description = "Topic of FlowEvents to read.")
  String flowsTopic;

  @Option(names = "--dlq-topic", defaultValue = FlowtelTopics.DLQ,
      description = "Dead-letter topic for undecodable records (and, of the traffic job, late flows).")
  String deadLetterTopic;

  // No defaultValue: picocli takes the field's initial value, the job's own group, as the default (and shows it).
  @Option(names = "--group-id", description = "Kafka consumer group (offsets are committed on checkpoints).")
  String groupId;

  /** @param defaultGroupId the job's consumer group unless {@code --group-id} names another */
  public FlowInputOptions(String defaultGroupId) {
    this.groupId = defaultGroupId;
  }

  public String flowsTopic() {
    return flowsTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  public String groupId() {
    return groupId;
  }
}
