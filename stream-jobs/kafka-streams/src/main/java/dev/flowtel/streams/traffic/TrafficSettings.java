package dev.flowtel.streams.traffic;

import java.time.Duration;

/**
 * What the traffic topology needs of the app's options.
 *
 * @param flowPartitions partitions of the flows topic: the failed attempts' windows wait for the
 *     event time of each
 */
public record TrafficSettings(Duration window, Duration rollup, Duration maxOutOfOrderness, Duration idleness,
    Duration allowedLateness, Duration queryRetention, String trafficTopic, String dlqTopic, int flowPartitions) {

  /** The window sizes in ms: the base window first, then the rollup when there is one. */
  public long[] sizes() {
    return rollup.isZero() ? new long[] {window.toMillis()} : new long[] {window.toMillis(), rollup.toMillis()};
  }
}
