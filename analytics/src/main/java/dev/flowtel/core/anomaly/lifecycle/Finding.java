package dev.flowtel.core.anomaly.lifecycle;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.FlowSampleView;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Severity;
import java.util.List;
import java.util.Map;

/**
 * One detector's finding at one moment: what it saw since its last finding for this key. Findings
 * of the same type and key within the cooldown make one anomaly ({@link AnomalyTracker}).
 *
 * @param firstMillis event time of the first flow behind the finding; the first finding's is the anomaly's start
 * @param key what the anomaly is about, e.g. an edge key or {@code 10.244.1.7>10.244.2.9}; part of the id
 * @param counters added to the anomaly's counters (flows, bytes, ...)
 * @param maxima kept as the largest value seen over the anomaly (distinctPorts per window, ...)
 * @param measurements replace the anomaly's measurements (zScore, baselineBytes, ...)
 * @param explanation the policy explanation, when the finding has one
 */
public record Finding(AnomalyType type, String key, long firstMillis, long lastMillis, Severity severity, EdgeEnd source,
    EdgeEnd destination, Integer destinationPort, Integer protocol, Map<String, Long> counters,
    Map<String, Long> maxima, Map<String, Double> measurements, List<FlowSampleView> samples, String explanation) {

  public Finding {
    counters = Map.copyOf(counters);
    maxima = Map.copyOf(maxima);
    measurements = Map.copyOf(measurements);
    samples = List.copyOf(samples);
  }
}
