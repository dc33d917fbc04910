package dev.flowtel.core.anomaly.lifecycle;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a finding joins an open anomaly and how often the anomaly is emitted again: the two
 * thresholds of the anomaly lifecycle (DetectionConfig's {@code cooldown} and {@code reportInterval}).
 *
 * @param cooldown a finding within this much event time after the anomaly's last one updates it;
 *     a later one opens a new anomaly
 * @param reportInterval an open anomaly is emitted again at most this often while findings keep
 *     coming, unless its severity rises
 */
// Serializable because detector state holds it (DnsDetectorGroup, which an engine may keep as one Java-serialized value).
public record AnomalyPacing(Duration cooldown, Duration reportInterval) implements Serializable {

  private static final long serialVersionUID = 1L;

  long cooldownMillis() {
    return cooldown.toMillis();
  }

  long reportIntervalMillis() {
    return reportInterval.toMillis();
  }
}
