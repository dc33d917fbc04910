package dev.flowtel.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Given a learning period of one hour, when the first flow arrives at 10:05, then learning runs
 * from the configured start when there is one (10:00 to 11:00), and else from that flow (10:05 to 11:05).
 */
class LearningPeriodTest {

  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long TEN = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
  private static final long FIVE_PAST_TEN = Instant.parse("2026-11-26T10:05:00Z").toEpochMilli();

  @Test
  void aConfiguredStartIsWhenLearningStartsWhateverTheFirstFlow() {
    LearningPeriod period = new LearningPeriod(TEN, HOUR);

    long start = period.startGivenFirstFlowAt(FIVE_PAST_TEN);

    assertThat(start).isEqualTo(TEN);
    assertThat(period.endGivenStartAt(start)).isEqualTo(Instant.parse("2026-11-26T11:00:00Z").toEpochMilli());
  }

  @Test
  void withoutAConfiguredStartLearningStartsWithTheFirstFlow() {
    LearningPeriod period = new LearningPeriod(LearningPeriod.FROM_FIRST_FLOW, HOUR);

    long start = period.startGivenFirstFlowAt(FIVE_PAST_TEN);

    assertThat(start).isEqualTo(FIVE_PAST_TEN);
    assertThat(period.endGivenStartAt(start)).isEqualTo(Instant.parse("2026-11-26T11:05:00Z").toEpochMilli());
  }

  @Test
  void noConfiguredStartIsWhatDetectionOptionsGiveWithoutOne() {
    assertThat(new DetectionOptions().learningStartMillis()).isEqualTo(LearningPeriod.FROM_FIRST_FLOW);
  }
}
