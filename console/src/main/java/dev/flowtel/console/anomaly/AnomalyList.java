package dev.flowtel.console.anomaly;

import java.util.List;
import java.util.Map;

/** The anomalies of a range, newest last sight first, with the count of each type over the whole range. */
public record AnomalyList(List<AnomalyView> anomalies, Map<String, Long> countsByType, long total) {}
