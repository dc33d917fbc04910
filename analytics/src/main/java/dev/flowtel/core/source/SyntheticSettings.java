package dev.flowtel.core.source;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@code --source synthetic} asks of the simulator.
 *
 * @param flowsPerSecond flows per second of wall-clock time, and of event time
 * @param seed seed of the simulated cluster and its traffic
 * @param maxFlows stop after this many flows; 0 runs for {@code duration}
 * @param duration event time to simulate
 * @param start event time of the first flow
 */
public record SyntheticSettings(long flowsPerSecond, long seed, long maxFlows, Duration duration, Instant start) {

  public SyntheticSettings {
    if (flowsPerSecond <= 0) {
      throw new IllegalArgumentException("--synthetic-rate " + flowsPerSecond + ": give a positive number of flows per second");
    }
    if (maxFlows < 0) {
      throw new IllegalArgumentException("--synthetic-max-flows " + maxFlows + ": give 0 (no limit) or a positive number");
    }
  }
}
