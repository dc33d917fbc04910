package dev.flowtel.streams.dns;

import java.time.Duration;

/**
 * What the DNS part of the topology needs of the app's options: the DNS transactions' topic and its
 * partition count (every partition's event time travels through the repartition by client), the
 * watermark and lateness settings the flows have too, and the DnsActivity windows.
 *
 * @param detection whether the DNS detectors run (--detection and --dns-detection)
 * @param activity whether DnsActivity is aggregated and written to {@code activityTopic} (--dns-activity)
 * @param window the DnsActivity windows' size (--dns-window)
 * @param namesPerWindow distinct names per client and window with a row of their own (--dns-names-per-window)
 */
public record DnsSettings(String topic, int partitions, Duration maxOutOfOrderness, Duration idleness,
    Duration allowedLateness, boolean detection, boolean activity, String activityTopic, Duration window,
    int namesPerWindow, String dlqTopic) {

  public boolean any() {
    return detection || activity;
  }

  public long windowMillis() {
    return window.toMillis();
  }
}
