package dev.flowtel.core.anomaly;

import dev.flowtel.core.config.DurationOption;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The detector options of every detection program (the Flink job, the Kafka Streams app), as a
 * picocli mixin: the same names, defaults and descriptions everywhere, in kebab case of
 * {@link DetectionConfig}'s components.
 */
public final class DetectionOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--learning-start", description = "Event time (ISO-8601) the learning period starts at; default: the first flow's.")
  Instant learningStart;

  @Option(names = "--learning-period", defaultValue = "1h", converter = DurationOption.class,
      description = "NEW_EDGE and EXTERNAL_EGRESS learn what is normal this long and only then alert.")
  Duration learningPeriod;

  @Option(names = "--cooldown", defaultValue = "5m", converter = DurationOption.class,
      description = "A finding this soon after the last one of the same type and key updates that anomaly (same id, next revision).")
  Duration cooldown;

  @Option(names = "--report-interval", defaultValue = "1m", converter = DurationOption.class,
      description = "An open anomaly is re-emitted at most this often (sooner when its severity rises).")
  Duration reportInterval;

  @Option(names = "--policy-change-grace", defaultValue = "10m", converter = DurationOption.class,
      description = "Drops and continuing connections the policies allowed within this time are a policy change's effect, not anomalies.")
  Duration policyChangeGrace;

  @Option(names = "--violation-min-connections", defaultValue = "2",
      description = "POLICY_VIOLATION: denied but forwarded connections on an edge before it is reported.")
  int violationMinConnections;

  @Option(names = "--denied-window", defaultValue = "1m", converter = DurationOption.class, description = "DENIED_SPIKE: counting window.")
  Duration deniedWindow;

  @Option(names = "--denied-min-flows", defaultValue = "20", description = "DENIED_SPIKE: fewest dropped attempts in a window.")
  long deniedMinFlows;

  @Option(names = "--denied-spike-factor", defaultValue = "5", description = "DENIED_SPIKE: spike when above factor x moving mean + min flows.")
  double deniedSpikeFactor;

  @Option(names = "--new-edge-min-connections", defaultValue = "2", description = "NEW_EDGE: established connections before reporting.")
  int newEdgeMinConnections;

  @Option(names = "--edge-retention", defaultValue = "7d", converter = DurationOption.class,
      description = "NEW_EDGE and VOLUME_ANOMALY: an edge unused this long is forgotten.")
  Duration edgeRetention;

  @Option(names = "--volume-bucket", defaultValue = "1m", converter = DurationOption.class, description = "VOLUME_ANOMALY: bucket length.")
  Duration volumeBucket;

  @Option(names = "--volume-ewma-alpha", defaultValue = "0.1", description = "VOLUME_ANOMALY (and DENIED_SPIKE): weight of the newest bucket in the moving baseline.")
  double volumeEwmaAlpha;

  @Option(names = "--volume-min-history", defaultValue = "10", description = "VOLUME_ANOMALY: buckets of history before alerting.")
  int volumeMinHistory;

  @Option(names = "--volume-min-bytes", defaultValue = "20000000", description = "VOLUME_ANOMALY: fewest bytes in an anomalous bucket.")
  long volumeMinBytes;

  @Option(names = "--volume-z-score", defaultValue = "6", description = "VOLUME_ANOMALY: standard deviations above the moving mean.")
  double volumeZScore;

  @Option(names = "--volume-min-ratio", defaultValue = "4", description = "VOLUME_ANOMALY: times the moving mean.")
  double volumeMinRatio;

  @Option(names = "--scan-window", defaultValue = "1m", converter = DurationOption.class, description = "PORT_SCAN and IP_SWEEP: window.")
  Duration scanWindow;

  @Option(names = "--scan-min-ports", defaultValue = "50", description = "PORT_SCAN: distinct ports of one address in a window.")
  int scanMinPorts;

  @Option(names = "--sweep-min-hosts", defaultValue = "50", description = "IP_SWEEP: distinct addresses on one port in a window.")
  int sweepMinHosts;

  @Option(names = "--scan-min-failed-share", defaultValue = "0.6",
      description = "PORT_SCAN and IP_SWEEP: share of targets whose attempts all failed (unanswered, refused, reset).")
  double scanMinFailedShare;

  @Option(names = "--cluster-cidrs", split = ",",
      defaultValue = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,fc00::/7,fe80::/10,::1/128",
      description = "EXTERNAL_EGRESS: addresses inside the cluster; requests to any other address are external.")
  List<String> clusterCidrs;

  @Option(names = "--external-max-learned", defaultValue = "4096",
      description = "EXTERNAL_EGRESS: external addresses remembered per workload; more while learning means broad egress, not watched.")
  int externalMaxLearned;

  /** The detector thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DetectionConfig detectionConfig() {
    return new DetectionConfig(learningPeriod, cooldown, reportInterval, policyChangeGrace, violationMinConnections, deniedWindow, deniedMinFlows,
        deniedSpikeFactor, newEdgeMinConnections, edgeRetention, volumeBucket, volumeEwmaAlpha, volumeMinHistory,
        volumeMinBytes, volumeZScore, volumeMinRatio, scanWindow, scanMinPorts, sweepMinHosts, scanMinFailedShare,
        clusterCidrs, externalMaxLearned);
  }

  /** The configured learning start, or Long.MIN_VALUE for "the first flow's event time". */
  public long learningStartMillis() {
    return learningStart == null ? Long.MIN_VALUE : learningStart.toEpochMilli();
  }
}
