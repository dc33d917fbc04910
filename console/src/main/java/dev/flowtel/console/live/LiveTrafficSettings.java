package dev.flowtel.console.live;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the live tail reads and how much it keeps.
 *
 * @param kafka Kafka client settings (bootstrap.servers and whatever --kafka-properties adds: TLS, SASL)
 * @param topic the ServiceTraffic topic
 * @param horizon how far back it reads and keeps: windows that ended longer ago are dropped
 * @param maxWindows the most windows held; when full, the oldest go first
 * @param clock what "now" is for the horizon
 */
public record LiveTrafficSettings(Map<String, Object> kafka, String topic, Duration horizon, int maxWindows, Clock clock) {

  /** Three minutes: the live range's two, plus a window's worth of lateness behind it. */
  public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(3);
  /**
   * About 30 MB held (roughly 150 bytes a window, the edges shared): a 6,000-pod cluster's busiest
   * minutes fill some tens of thousands of windows in three minutes.
   */
  public static final int DEFAULT_MAX_WINDOWS = 200_000;

  public LiveTrafficSettings {
    kafka = Map.copyOf(kafka);
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(clock, "clock");
    if (!kafka.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("live traffic: no bootstrap.servers in the Kafka settings");
    }
    if (horizon.isNegative() || horizon.isZero()) {
      throw new IllegalArgumentException("live traffic horizon " + horizon + ": expected a positive duration");
    }
    if (maxWindows < 1) {
      throw new IllegalArgumentException("live traffic max windows " + maxWindows + ": expected at least 1");
    }
  }

  public static LiveTrafficSettings of(Map<String, Object> kafka, String topic, Clock clock) {
    return new LiveTrafficSettings(kafka, topic, DEFAULT_HORIZON, DEFAULT_MAX_WINDOWS, clock);
  }
}
