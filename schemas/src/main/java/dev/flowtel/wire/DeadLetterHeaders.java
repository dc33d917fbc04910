package dev.flowtel.wire;

/**
 * Kafka header names on {@link FlowtelTopics#DLQ} records. The value is the original bytes,
 * unchanged, so a record can be replayed once the cause is fixed.
 */
public final class DeadLetterHeaders {

  /** Short machine-readable reason: a {@link FailureCause#reason()}, or {@code late}. */
  public static final String REASON = "flowtel.dlq.reason";
  /** One human line saying what was wrong. */
  public static final String DETAIL = "flowtel.dlq.detail";
  public static final String SOURCE_TOPIC = "flowtel.dlq.source.topic";
  public static final String SOURCE_PARTITION = "flowtel.dlq.source.partition";
  public static final String SOURCE_OFFSET = "flowtel.dlq.source.offset";
  /** The program that dead-lettered the record, e.g. {@code flink-aggregation}. */
  public static final String PRODUCER = "flowtel.dlq.producer";

  /** Reason for a flow that arrived after its window's allowed lateness. */
  public static final String REASON_LATE = "late";

  private DeadLetterHeaders() {}
}
