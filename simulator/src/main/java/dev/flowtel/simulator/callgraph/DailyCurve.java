package dev.flowtel.simulator.callgraph;

import java.time.Instant;

/**
 * The daily rhythm of traffic: a cosine with its peak at 14:00 UTC and trough at 02:00, mean 1.
 * Compression runs the simulated clock faster than event time (1440 = a day per minute), so a
 * short run still shows a day's swing.
 */
public final class DailyCurve {

  private static final double SECONDS_PER_DAY = 86_400;
  private static final double PEAK_SECOND_OF_DAY = 14 * 3600;

  private final long startSecond;
  private final double compression;
  private final double amplitude;

  public DailyCurve(Instant start, double compression, double amplitude) {
    this.startSecond = start.getEpochSecond();
    this.compression = compression;
    this.amplitude = amplitude;
  }

  /** Rate multiplier at {@code epochNanos} of event time. */
  public double at(long epochNanos) {
    double elapsed = epochNanos / 1e9 - startSecond;
    double simulatedSecondOfDay = Math.floorMod(startSecond, 86_400L) + elapsed * compression;
    return 1 + amplitude * Math.cos(2 * Math.PI * (simulatedSecondOfDay - PEAK_SECOND_OF_DAY) / SECONDS_PER_DAY);
  }
}
