package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import java.time.Duration;

/** What the detection topology needs of the app's options. */
public record DetectionSettings(DetectionConfig config, long learningStartMillis, Duration maxOutOfOrderness,
    Duration idleness, String anomaliesTopic, String dlqTopic, int flowPartitions) {}
