package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.dns.DnsDetectionConfig;
import java.time.Duration;

/**
 * What the detection topology needs of the app's options.
 *
 * @param window the traffic windows' size, and {@code allowedLateness} theirs: the staged policy
 *     windows are the traffic windows, closed when those close, so a staged verdict counts the
 *     connections of the final revision of its ServiceTraffic record
 * @param dnsConfig the DNS detectors' thresholds (used when the app runs them)
 */
public record DetectionSettings(DetectionConfig config, long learningStartMillis, Duration maxOutOfOrderness,
    Duration idleness, Duration window, Duration allowedLateness, String anomaliesTopic, String stagedVerdictsTopic,
    String dlqTopic, int flowPartitions, DnsDetectionConfig dnsConfig) {}
