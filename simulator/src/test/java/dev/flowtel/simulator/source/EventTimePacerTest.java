package dev.flowtel.simulator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A paced simulation delivers each flow when the (scaled) wall clock reaches its event time, not
 * after its count at a fixed rate, so the daily curve changes how many flows a second carries but
 * event time keeps step with the clock.
 */
class EventTimePacerTest {

  private static final Instant START = Instant.parse("2026-12-04T13:00:00Z");

  @Test
  void atTheSimulatorsOwnRateEventTimeIsTheWallClock() {
    EventTimePacer pacer = EventTimePacer.of(START, 2_000, 2_000);
    assertThat(pacer.dueAfterStartNanos(START.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(pacer.dueAfterStartNanos(START.plusMillis(1_500))).isEqualTo(Duration.ofMillis(1_500).toNanos());
    assertThat(pacer.dueAfterStartNanos(START.minusSeconds(3))).as("a flow that ended before the start is due at once").isZero();
  }

  @Test
  void askingForFewerFlowsThanTheSimulatorMakesSlowsEventTimeInProportion() {
    EventTimePacer pacer = EventTimePacer.of(START, 2_000, 20_000);
    assertThat(pacer.dueAfterStartNanos(START.plusSeconds(10))).isEqualTo(Duration.ofSeconds(100).toNanos());
    assertThatThrownBy(() -> EventTimePacer.of(START, 0, 2_000)).hasMessageContaining("positive");
  }
}
