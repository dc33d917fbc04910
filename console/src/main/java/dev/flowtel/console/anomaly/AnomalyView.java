package dev.flowtel.console.anomaly;

import java.util.List;
import java.util.Map;

/**
 * One anomaly as the console shows it: its latest revision, the edge it is about (ids as the
 * traffic documents spell them, so the map can mark the edge), and its evidence.
 *
 * @param open whether findings may still join it: its last sight is within the detection
 *     cooldown of now, after which a new finding would open a new anomaly
 */
public record AnomalyView(String id, String type, String severity, String summary, String firstSeen, String lastSeen,
    int revision, boolean open, String source, String destination, Integer port, String protocol, Evidence evidence) {

  public record Evidence(Map<String, Object> counters, Map<String, Object> measurements,
      List<Map<String, Object>> sampleFlows, String policyExplanation) {}

  /** True when this anomaly is about traffic between these two ends on this port (either port unknown matches). */
  public boolean concerns(String sourceId, String destinationId, Integer edgePort) {
    return sourceId.equals(source) && destinationId.equals(destination)
        && (port == null || edgePort == null || port.equals(edgePort));
  }
}
