package dev.flowtel.core.anomaly;

/**
 * The time detectors learn before they report: from the configured start, or else from the event
 * time of the first flow seen, for {@code lengthMillis}. Both engines keep the start this gives in
 * their own state, so that a restart keeps learning where it was instead of learning again.
 *
 * @param configuredStartMillis when learning starts, or {@link #FROM_FIRST_FLOW} when it starts with the first flow
 */
public record LearningPeriod(long configuredStartMillis, long lengthMillis) {

  /** No configured start (as {@code DetectionOptions#learningStartMillis} gives it): learning starts with the first flow. */
  public static final long FROM_FIRST_FLOW = Long.MIN_VALUE;

  /** When learning starts, when the first flow seen has event time {@code firstFlowMillis}. */
  public long startGivenFirstFlowAt(long firstFlowMillis) {
    return configuredStartMillis != FROM_FIRST_FLOW ? configuredStartMillis : firstFlowMillis;
  }

  /** When learning ends, for learning that started at {@code startMillis}. */
  public long endGivenStartAt(long startMillis) {
    return startMillis + lengthMillis;
  }
}
