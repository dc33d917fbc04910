package dev.flowtel.simulator.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A paced simulation (up, {@code sim --rate}) keeps event time on the clock it is paced by: at the
 * daily curve's peak, when each second carries 1.6 times the mean flows, event time still moves a
 * second per second. The clock here moves only when the source waits on it, so nothing sleeps.
 */
class SyntheticFlowSourcePacingTest {

  /** 14:00 UTC, the daily curve's peak: pacing by count let event time run at 1 / 1.6 of the clock here. */
  private static final Instant PEAK = Instant.parse("2026-12-04T14:00:00Z");

  /** The simulator delivers flows up to its out-of-order bound (2 s) out of event-time order, and paces every 64th. */
  private static final Duration TOLERANCE = Duration.ofSeconds(3);

  /** A clock that moves only by what the source waits. */
  private static final class WaitedClock implements PacingClock {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public void sleepNanos(long nanos) {
      now.addAndGet(nanos);
    }
  }

  @Test
  void atTheSimulatorsOwnRateEventTimeTracksTheClockAllTheWay() throws InterruptedException {
    SimulatorSettings settings = SimulatorSettings.defaults().withStart(PEAK).withDuration(Duration.ofMinutes(10))
        .withFlowsPerSecond(2_000).withPacedFlowsPerSecond(2_000).withEpisodesPerType(0);
    WaitedClock clock = new WaitedClock();
    long origin = clock.nanoTime();
    AtomicLong worstLagNanos = new AtomicLong();
    AtomicLong lastEventNanos = new AtomicLong();
    SyntheticFlowSource source = SyntheticFlowSource.of(ClusterSimulator.of(settings), Long.MAX_VALUE, clock);

    source.start(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        long eventNanos = Duration.between(PEAK, flow.getFlowEnd()).toNanos();
        long clockNanos = clock.nanoTime() - origin;
        worstLagNanos.accumulateAndGet(Math.abs(eventNanos - clockNanos), Math::max);
        lastEventNanos.accumulateAndGet(eventNanos, Math::max);
      }

      @Override
      public void clusterState(ClusterStateRecord record) {}
    });
    assertThat(source.awaitCompletion(Duration.ofMinutes(2))).as("the run ends (2 min is a safety net)").isTrue();

    assertThat(Duration.ofNanos(lastEventNanos.get())).isCloseTo(Duration.ofMinutes(10), TOLERANCE);
    assertThat(Duration.ofNanos(clock.nanoTime() - origin)).as("the clock when the last flow went out")
        .isCloseTo(Duration.ofMinutes(10), TOLERANCE);
    assertThat(Duration.ofNanos(worstLagNanos.get())).as("event time against the clock, worst flow")
        .isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void unpacedGenerationNeverWaits() throws InterruptedException {
    SimulatorSettings settings = SimulatorSettings.defaults().withStart(PEAK).withDuration(Duration.ofMinutes(1))
        .withFlowsPerSecond(2_000).withEpisodesPerType(0);
    WaitedClock clock = new WaitedClock();
    long origin = clock.nanoTime();
    SyntheticFlowSource source = SyntheticFlowSource.of(ClusterSimulator.of(settings), Long.MAX_VALUE, clock);
    source.start((flow, edgeKey, label) -> { });
    assertThat(source.awaitCompletion(Duration.ofMinutes(1))).isTrue();
    assertThat(source.flowsDelivered()).isPositive();
    assertThat(clock.nanoTime()).isEqualTo(origin);
  }
}
