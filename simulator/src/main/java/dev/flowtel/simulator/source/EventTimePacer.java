package dev.flowtel.simulator.source;

import java.time.Instant;

/**
 * When a paced simulation delivers a flow: when the wall clock, scaled, reaches the flow's event
 * time. Pacing by event time rather than by count keeps event time in step with the wall clock
 * while the daily curve makes some seconds busier than others; pacing by count let event time fall
 * behind (at the curve's trough, a second of flows took more than a second of event time).
 *
 * <p>{@code speed} is event-time seconds per wall-clock second: 1 when the paced rate equals the
 * simulator's mean rate (the local run, {@code --source synthetic}), so event time equals the
 * wall clock; below 1 when fewer flows per second are asked for than the simulator generates.
 */
final class EventTimePacer {

  private final long startEpochNanos;
  private final double speed;

  EventTimePacer(Instant start, double speed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("pacing speed must be positive, was " + speed);
    }
    this.startEpochNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    this.speed = speed;
  }

  /** The paced rate over the simulator's mean rate. */
  static EventTimePacer of(Instant start, long pacedFlowsPerSecond, double flowsPerSecond) {
    return new EventTimePacer(start, pacedFlowsPerSecond / flowsPerSecond);
  }

  /** Nanoseconds after the run began at which a flow ending at {@code flowEnd} is due; never negative. */
  long dueAfterStartNanos(Instant flowEnd) {
    long eventNanos = flowEnd.getEpochSecond() * 1_000_000_000L + flowEnd.getNano() - startEpochNanos;
    return eventNanos <= 0 ? 0 : (long) (eventNanos / speed);
  }
}
