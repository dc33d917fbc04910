package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.policy.Cidr;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every threshold of the anomaly detectors, its default and its meaning, in one place. The Flink
 * job's options ({@code PolicyAnomalyConfig}) carry the same names in kebab case, and
 * docs/detection.md explains each detector with these defaults.
 *
 * <p>Shared:
 * @param learningPeriod event time, from the first flow the job sees, during which NEW_EDGE and
 *     EXTERNAL_EGRESS only learn what is normal and never alert (default 1h)
 * @param cooldown a finding within this much event time after the last one of the same type and
 *     key updates that anomaly (same id, higher revision) instead of opening a new one (default 5m)
 * @param reportInterval an open anomaly is re-emitted with a higher revision at most this often
 *     while findings keep coming, unless its severity rises (default 1m)
 * @param policyChangeGrace a connection the policies allowed at some point in this much time
 *     before the flow is the expected effect of a policy change when it is dropped or continues
 *     forwarded: neither a DENIED_SPIKE drop nor a POLICY_VIOLATION (default 10m)
 *
 * <p>POLICY_VIOLATION:
 * @param violationMinConnections denied but forwarded connections an edge needs before it is
 *     reported, so one flow judged while the policies were still loading is not an anomaly (default 2)
 *
 * <p>DENIED_SPIKE:
 * @param deniedWindow bucket over which dropped connection attempts on an edge are counted (default 1m)
 * @param deniedMinFlows fewest dropped request flows in a bucket that can be a spike (default 20)
 * @param deniedSpikeFactor a bucket is a spike when it holds more than this many times the edge's
 *     moving mean of dropped flows per bucket, plus {@code deniedMinFlows} (default 5)
 *
 * <p>NEW_EDGE:
 * @param newEdgeMinConnections established connections a never-seen edge needs before it is
 *     reported, so one stray connection is not an anomaly (default 2)
 * @param edgeRetention an edge (or external address) unused this long is forgotten, and is new
 *     again when it comes back; bounds the state (default 7d)
 *
 * <p>VOLUME_ANOMALY:
 * @param volumeBucket bucket over which an edge's bytes (both directions, forwarded) are summed (default 1m)
 * @param volumeEwmaAlpha weight of the newest bucket in the moving mean and variance (default 0.1)
 * @param volumeMinHistory buckets of history (gaps count as zero) an edge needs before it can alert (default 10)
 * @param volumeMinBytes fewest bytes in a bucket that can be anomalous (default 20 MB)
 * @param volumeZScore standard deviations above the moving mean a bucket must be (default 6)
 * @param volumeMinRatio times the moving mean a bucket must be as well (default 4)
 *
 * <p>PORT_SCAN and IP_SWEEP (TCP connection attempts, i.e. request flows carrying SYN):
 * @param scanWindow tumbling window over which one source address's attempts are counted (default 1m)
 * @param scanMinPorts distinct ports of one destination address that make a port scan (default 50)
 * @param sweepMinHosts distinct destination addresses on one port that make a sweep (default 50)
 * @param scanMinFailedShare share of those attempts that failed (no ACK from the client: the SYN
 *     went unanswered, was refused with RST, or was reset by the scanner) (default 0.6)
 *
 * <p>EXTERNAL_EGRESS:
 * @param clusterCidrs addresses inside the cluster (and the private networks it reaches as a matter
 *     of course); any other destination of a request is external (default RFC 1918, RFC 6598,
 *     loopback, link-local, fc00::/7, fe80::/10, ::1/128)
 * @param externalMaxLearned external addresses remembered per workload; a workload using more
 *     during learning is taken to reach the Internet broadly and never alerts (default 4096)
 */
public record DetectionConfig(
    Duration learningPeriod,
    Duration cooldown,
    Duration reportInterval,
    Duration policyChangeGrace,
    int violationMinConnections,
    Duration deniedWindow,
    long deniedMinFlows,
    double deniedSpikeFactor,
    int newEdgeMinConnections,
    Duration edgeRetention,
    Duration volumeBucket,
    double volumeEwmaAlpha,
    int volumeMinHistory,
    long volumeMinBytes,
    double volumeZScore,
    double volumeMinRatio,
    Duration scanWindow,
    int scanMinPorts,
    int sweepMinHosts,
    double scanMinFailedShare,
    List<String> clusterCidrs,
    int externalMaxLearned) implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final Duration DEFAULT_LEARNING_PERIOD = Duration.ofHours(1);
  public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_POLICY_CHANGE_GRACE = Duration.ofMinutes(10);
  public static final int DEFAULT_VIOLATION_MIN_CONNECTIONS = 2;
  public static final Duration DEFAULT_DENIED_WINDOW = Duration.ofMinutes(1);
  public static final long DEFAULT_DENIED_MIN_FLOWS = 20;
  public static final double DEFAULT_DENIED_SPIKE_FACTOR = 5;
  public static final int DEFAULT_NEW_EDGE_MIN_CONNECTIONS = 2;
  public static final Duration DEFAULT_EDGE_RETENTION = Duration.ofDays(7);
  public static final Duration DEFAULT_VOLUME_BUCKET = Duration.ofMinutes(1);
  public static final double DEFAULT_VOLUME_EWMA_ALPHA = 0.1;
  public static final int DEFAULT_VOLUME_MIN_HISTORY = 10;
  public static final long DEFAULT_VOLUME_MIN_BYTES = 20_000_000;
  public static final double DEFAULT_VOLUME_Z_SCORE = 6;
  public static final double DEFAULT_VOLUME_MIN_RATIO = 4;
  public static final Duration DEFAULT_SCAN_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_SCAN_MIN_PORTS = 50;
  public static final int DEFAULT_SWEEP_MIN_HOSTS = 50;
  public static final double DEFAULT_SCAN_MIN_FAILED_SHARE = 0.6;
  public static final List<String> DEFAULT_CLUSTER_CIDRS = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
      "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128");
  public static final int DEFAULT_EXTERNAL_MAX_LEARNED = 4096;

  public DetectionConfig {
    clusterCidrs = List.copyOf(clusterCidrs);
    positive(learningPeriod, "learning-period", true);
    positive(cooldown, "cooldown", false);
    positive(reportInterval, "report-interval", true);
    positive(policyChangeGrace, "policy-change-grace", true);
    positive(deniedWindow, "denied-window", false);
    positive(edgeRetention, "edge-retention", false);
    positive(volumeBucket, "volume-bucket", false);
    positive(scanWindow, "scan-window", false);
    require(violationMinConnections >= 1, "violation-min-connections", violationMinConnections, "1 or more");
    require(deniedMinFlows >= 1, "denied-min-flows", deniedMinFlows, "1 or more");
    require(deniedSpikeFactor >= 1, "denied-spike-factor", deniedSpikeFactor, "1 or more");
    require(newEdgeMinConnections >= 1, "new-edge-min-connections", newEdgeMinConnections, "1 or more");
    require(volumeEwmaAlpha > 0 && volumeEwmaAlpha <= 1, "volume-ewma-alpha", volumeEwmaAlpha, "in (0, 1]");
    require(volumeMinHistory >= 1, "volume-min-history", volumeMinHistory, "1 or more");
    require(volumeMinBytes >= 0, "volume-min-bytes", volumeMinBytes, "0 or more");
    require(volumeZScore > 0, "volume-z-score", volumeZScore, "positive");
    require(volumeMinRatio >= 1, "volume-min-ratio", volumeMinRatio, "1 or more");
    require(scanMinPorts >= 2, "scan-min-ports", scanMinPorts, "2 or more");
    require(sweepMinHosts >= 2, "sweep-min-hosts", sweepMinHosts, "2 or more");
    require(scanMinFailedShare >= 0 && scanMinFailedShare <= 1, "scan-min-failed-share", scanMinFailedShare, "0 to 1");
    require(externalMaxLearned >= 1, "external-max-learned", externalMaxLearned, "1 or more");
    for (String cidr : clusterCidrs) {
      try {
        Cidr.parse(cidr);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cluster-cidrs: " + e.getMessage(), e);
      }
    }
  }

  public static DetectionConfig defaults() {
    return new DetectionConfig(DEFAULT_LEARNING_PERIOD, DEFAULT_COOLDOWN, DEFAULT_REPORT_INTERVAL,
        DEFAULT_POLICY_CHANGE_GRACE, DEFAULT_VIOLATION_MIN_CONNECTIONS, DEFAULT_DENIED_WINDOW, DEFAULT_DENIED_MIN_FLOWS, DEFAULT_DENIED_SPIKE_FACTOR,
        DEFAULT_NEW_EDGE_MIN_CONNECTIONS, DEFAULT_EDGE_RETENTION, DEFAULT_VOLUME_BUCKET, DEFAULT_VOLUME_EWMA_ALPHA,
        DEFAULT_VOLUME_MIN_HISTORY, DEFAULT_VOLUME_MIN_BYTES, DEFAULT_VOLUME_Z_SCORE, DEFAULT_VOLUME_MIN_RATIO,
        DEFAULT_SCAN_WINDOW, DEFAULT_SCAN_MIN_PORTS, DEFAULT_SWEEP_MIN_HOSTS, DEFAULT_SCAN_MIN_FAILED_SHARE,
        DEFAULT_CLUSTER_CIDRS, DEFAULT_EXTERNAL_MAX_LEARNED);
  }

  public DetectionConfig withLearningPeriod(Duration value) {
    return new DetectionConfig(value, cooldown, reportInterval, policyChangeGrace, violationMinConnections, deniedWindow, deniedMinFlows,
        deniedSpikeFactor, newEdgeMinConnections, edgeRetention, volumeBucket, volumeEwmaAlpha, volumeMinHistory,
        volumeMinBytes, volumeZScore, volumeMinRatio, scanWindow, scanMinPorts, sweepMinHosts, scanMinFailedShare,
        clusterCidrs, externalMaxLearned);
  }

  public DetectionConfig withClusterCidrs(List<String> value) {
    return new DetectionConfig(learningPeriod, cooldown, reportInterval, policyChangeGrace, violationMinConnections, deniedWindow, deniedMinFlows,
        deniedSpikeFactor, newEdgeMinConnections, edgeRetention, volumeBucket, volumeEwmaAlpha, volumeMinHistory,
        volumeMinBytes, volumeZScore, volumeMinRatio, scanWindow, scanMinPorts, sweepMinHosts, scanMinFailedShare,
        value, externalMaxLearned);
  }

  /** The anomaly lifecycle's thresholds: {@link #cooldown} and {@link #reportInterval}. */
  public AnomalyPacing pacing() {
    return new AnomalyPacing(cooldown, reportInterval);
  }

  /** The parsed {@link #clusterCidrs}. */
  public List<Cidr> clusterNetworks() {
    return clusterCidrs.stream().map(Cidr::parse).toList();
  }

  private static void positive(Duration d, String name, boolean zeroAllowed) {
    Objects.requireNonNull(d, name);
    require(zeroAllowed ? !d.isNegative() : !d.isNegative() && !d.isZero(), name, d, zeroAllowed ? "0 or more" : "positive");
  }

  private static void require(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("detection setting " + name + " = " + value + " is out of range: expected " + expected);
    }
  }
}
