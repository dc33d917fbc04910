package dev.flowtel.flink.detection;

import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores anomalies against ground-truth labels, per type. An anomaly (its newest revision) matches a
 * label of the type the episode should cause when their times overlap (within a slack for window
 * alignment and the cooldown), the anomaly's source workload is the label's, and its target is the
 * label's: the destination service and port, the probed address or port, the external address.
 * Recall: labels matched by at least one anomaly. Precision: anomalies matching at least one label.
 */
final class DetectionScore {

  static final Duration SLACK = Duration.ofMinutes(2);

  record TypeScore(AnomalyType type, int labels, int labelsFound, int anomalies, int anomaliesMatched,
      List<String> missed, List<String> falsePositives) {
    double recall() {
      return labels == 0 ? 1 : (double) labelsFound / labels;
    }

    double precision() {
      return anomalies == 0 ? 1 : (double) anomaliesMatched / anomalies;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-16s labels %2d found %2d recall %.2f | anomalies %3d matched %3d precision %.2f",
          type, labels, labelsFound, recall(), anomalies, anomaliesMatched, precision());
    }
  }

  private DetectionScore() {}

  /** The newest revision of each anomaly id. */
  static Collection<PolicyAnomaly> latest(List<PolicyAnomaly> revisions) {
    Map<String, PolicyAnomaly> byId = new LinkedHashMap<>();
    for (PolicyAnomaly a : revisions) {
      byId.merge(a.getId(), a, (x, y) -> y.getRevision() >= x.getRevision() ? y : x);
    }
    return byId.values();
  }

  static Map<AnomalyType, TypeScore> score(List<GroundTruthLabel> labels, List<PolicyAnomaly> revisions) {
    Collection<PolicyAnomaly> anomalies = latest(revisions);
    Map<AnomalyType, TypeScore> scores = new LinkedHashMap<>();
    for (AnomalyType type : AnomalyType.values()) {
      if (type == AnomalyType.UNKNOWN || DnsDetectors.ANOMALY_TYPES.contains(type)) {
        continue; // the simulator's flows cannot provoke what only DNS transactions raise
      }
      List<GroundTruthLabel> ofType = labels.stream()
          .filter(l -> l.type().expectedFinding() == type).toList();
      List<PolicyAnomaly> found = anomalies.stream().filter(a -> a.getType() == type).toList();
      List<String> missed = new ArrayList<>();
      int labelsFound = 0;
      for (GroundTruthLabel label : ofType) {
        if (found.stream().anyMatch(a -> matches(a, label))) {
          labelsFound++;
        } else {
          missed.add(label.id() + " " + label.sourceWorkload() + " -> " + label.destination() + " " + label.start());
        }
      }
      List<String> falsePositives = new ArrayList<>();
      int matched = 0;
      for (PolicyAnomaly a : found) {
        if (ofType.stream().anyMatch(l -> matches(a, l))) {
          matched++;
        } else {
          falsePositives.add(a.getId() + " r" + a.getRevision() + ": " + a.getSummary());
        }
      }
      scores.put(type, new TypeScore(type, ofType.size(), labelsFound, found.size(), matched, missed, falsePositives));
    }
    return scores;
  }

  static boolean matches(PolicyAnomaly a, GroundTruthLabel label) {
    Instant from = label.start().minus(SLACK);
    Instant to = label.end().plus(SLACK);
    if (a.getLastSeen().isBefore(from) || a.getFirstSeen().isAfter(to)) {
      return false;
    }
    if (!workload(a.getSource()).equals(label.sourceWorkload())) {
      return false;
    }
    String target = label.destination();
    return switch (a.getType()) {
      case POLICY_VIOLATION, NEW_EDGE, DENIED_SPIKE ->
          target.equals(workload(a.getDestination()) + ":" + a.getDestinationPort());
      case VOLUME_ANOMALY -> target.endsWith(":" + a.getDestinationPort());
      case PORT_SCAN -> target.endsWith(" " + a.getId().substring(a.getId().indexOf('>') + 1, a.getId().lastIndexOf('@')));
      case IP_SWEEP -> target.endsWith(":" + a.getDestinationPort());
      case EXTERNAL_EGRESS -> target.equals(a.getId().substring(a.getId().indexOf('>') + 1, a.getId().lastIndexOf('@'))
          + ":" + a.getDestinationPort());
      default -> false;
    };
  }

  private static String workload(EdgeEndpoint end) {
    return end == null ? "?" : end.getNamespace() + "/" + end.getName();
  }
}
