package dev.flowtel.streams.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The marks a router sends on a wall-clock punctuation: a partition quiet since its task started is
 * marked idle once, after the idleness, so it holds back no task downstream; a partition that has
 * event time sends that, and is never marked idle since start.
 */
class PartitionClockTest {

  private static final long START = 1_000_000;

  private static PartitionClock started() {
    PartitionClock clock = new PartitionClock(Duration.ofSeconds(5), Duration.ofSeconds(30));
    clock.start(START);
    return clock;
  }

  @Test
  void aPartitionQuietSinceStartIsMarkedIdleOnceAfterTheIdleness() {
    PartitionClock clock = started();

    assertThat(clock.markOnPunctuation(START + 29_999)).isEqualTo(PartitionClock.NONE);
    assertThat(clock.markOnPunctuation(START + 30_000)).isEqualTo(PartitionClock.IDLE_SINCE_START);
    assertThat(clock.markOnPunctuation(START + 31_000)).isEqualTo(PartitionClock.NONE);
    assertThat(clock.markOnPunctuation(START + 90_000)).isEqualTo(PartitionClock.NONE);
  }

  @Test
  void aPartitionWithRecordsSendsItsWatermarkAndIsNeverMarkedIdleSinceStart() {
    PartitionClock clock = started();
    // Watermarks trail the latest flow end by the out-of-orderness and a millisecond, in steps of a second.
    assertThat(clock.onFlow(60_000, START + 1_000)).isEqualTo(54_999);
    assertThat(clock.onFlow(60_500, START + 2_000)).isEqualTo(PartitionClock.NONE);

    // The punctuation sends the exact bound the step held back, then nothing until the idleness.
    assertThat(clock.markOnPunctuation(START + 3_000)).isEqualTo(55_499);
    assertThat(clock.markOnPunctuation(START + 31_999)).isEqualTo(PartitionClock.NONE);
    // Idle after records: event time keeps pace with the wall clock from the watermark at the last record.
    assertThat(clock.markOnPunctuation(START + 32_000)).isEqualTo(54_999 + 30_000);
  }

  @Test
  void aClockNotStartedIsNeverMarkedIdleSinceStart() {
    PartitionClock clock = new PartitionClock(Duration.ofSeconds(5), Duration.ofSeconds(30));

    assertThat(clock.markOnPunctuation(Long.MAX_VALUE / 2)).isEqualTo(PartitionClock.NONE);
  }
}
