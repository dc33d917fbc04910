package dev.flowtel.simulator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetector;
import dev.flowtel.core.dns.DnsDetectorGroup;
import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recall and precision of the core DNS detectors, with their default settings, on the simulator's DNS: given a
 * simulated cluster whose pods resolve their Services and public names through ndots:5 search paths (NXDOMAIN under
 * cluster.local for every short external name), CDN and load-balancer names, a telemetry agent's per-event names and a
 * retired name that is always NXDOMAIN, an hour in which the detectors learn, then an hour with five generated-domain
 * bursts (20-150 names a minute) and five DNS tunnels (60-400 queries a minute) in workloads the seed picks; when the
 * detectors run per client key with the watermark at event time, then at least 95% of the episodes are found and at
 * least 95% of the anomalies belong to one. A clean second hour raises no anomaly at all.
 *
 * <p>On cloud nodes (a node search domain in every pod's resolv.conf, outside the cluster domain) every short
 * external name is also asked, and NXDOMAIN, under the node's domain; the same holds: the NXDOMAIN detector learns each
 * client's search suffixes from its own queries and counts only names that are no search-path expansion (issue 19).
 *
 * <p>Seeds: the defaults (and {@code tunnel-ignored-domains}, see DnsDetectionConfig) were looked at against seeds
 * 501-505 while building the simulator's DNS ({@link DnsTuningRun}); the search-suffix rule of the NXDOMAIN detector
 * (issue 19) was designed from the resolver's behaviour and keeps the existing defaults, with no seed run before these
 * assertions were written. The seeds asserted here, 1001-1010, 1101-1110 and 2001-2005, were not used to choose
 * anything. Each seed also starts at another hour of the day, so the daily curve rises, peaks
 * or falls under it.
 */
class DnsDetectionOnSimulatorTest {

  static final long MINUTE = 60_000;
  static final Duration LEARNING = Duration.ofHours(1);
  static final AnomalyPacing PACING = new AnomalyPacing(Duration.ofMinutes(5), Duration.ofMinutes(1));

  @Test
  void recallAndPrecisionAreAtLeast95PercentOnSeedsNotTunedOn() {
    Score score = score(1001, 1010, null, DnsDetectionConfig.defaults());

    assertThat(score.episodes()).isEqualTo(100);
    assertThat(score.recall()).as(score.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(score.recall(AnomalyType.NXDOMAIN_SPIKE)).as(score.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(score.precision()).as(score.toString()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void onCloudNodesRecallAndPrecisionAreAtLeast95PercentToo() {
    Score score = score(1101, 1110, DnsSimulation.AWS_NODE_DOMAIN, DnsDetectionConfig.defaults());

    assertThat(score.episodes()).isEqualTo(100);
    assertThat(score.recall(AnomalyType.NXDOMAIN_SPIKE)).as(score.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(score.recall(AnomalyType.DNS_TUNNEL)).as(score.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(score.precision()).as(score.toString()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void aCleanSimulatedHourAfterLearningRaisesNoAnomaly() {
    for (long seed = 2001; seed <= 2005; seed++) {
      for (String nodeDomain : new String[] {null, DnsSimulation.AWS_NODE_DOMAIN}) {
        DnsSimulation dns = DnsSimulation.of(ClusterSimulator.of(settings(seed)), List.of()).withNodeDomain(nodeDomain);
        Detection d = detect(dns.transactions(), startMillis(seed) + LEARNING.toMillis(), DnsDetectionConfig.defaults());

        String where = "seed " + seed + ", node search domain " + nodeDomain;
        assertThat(d.anomalies()).as(where + ": " + d.anomalies().stream().map(PolicyAnomaly::getSummary).toList()).isEmpty();
        // What a real cluster's DNS has: search-path NXDOMAINs under cluster.local, and some outside it.
        assertThat(d.nxdomainInClusterDomain()).as(where).isGreaterThan(10_000);
        assertThat(d.nxdomainOutsideClusterDomain()).as(where).isGreaterThan(nodeDomain == null ? 100 : 10_000);
      }
    }
  }

  /** Scores the default schedule (five episodes of each type in the second hour) over a range of seeds. */
  static Score score(long firstSeed, long lastSeed, String nodeDomain, DnsDetectionConfig config) {
    Score score = new Score();
    for (long seed = firstSeed; seed <= lastSeed; seed++) {
      DnsSimulation dns = DnsSimulation.of(ClusterSimulator.of(settings(seed)),
          DnsEpisodeSpec.evenly(5, Duration.ofMinutes(62), Duration.ofMinutes(118), Duration.ofMinutes(3)))
          .withNodeDomain(nodeDomain);
      List<DnsEpisodeLabel> labels = dns.episodes();
      List<PolicyAnomaly> anomalies = detect(dns.transactions(), startMillis(seed) + LEARNING.toMillis(), config).anomalies();
      for (DnsEpisodeLabel l : labels) {
        boolean found = anomalies.stream().anyMatch(a -> matches(a, l));
        score.of(l.type().expectedFinding()).episode(found);
        if (!found) {
          score.report.add("seed " + seed + " missed " + l.id() + " " + l.clientWorkload() + ": " + l.description());
        }
      }
      for (PolicyAnomaly a : anomalies) {
        boolean matched = labels.stream().anyMatch(l -> matches(a, l));
        score.of(a.getType()).anomaly(matched);
        if (!matched) {
          score.report.add("seed " + seed + " false positive " + a.getId() + ": " + a.getSummary());
        }
      }
    }
    System.out.println("DNS detectors on the simulator, seeds " + firstSeed + "-" + lastSeed + ", node search domain "
        + nodeDomain + ": " + score);
    return score;
  }

  static SimulatorSettings settings(long seed) {
    return SimulatorSettings.defaults().withSeed(seed).withDuration(Duration.ofHours(2))
        .withStart(SimulatorSettings.DEFAULT_START.plus(Duration.ofHours(seed % 24)));
  }

  static long startMillis(long seed) {
    return settings(seed).start().toEpochMilli();
  }

  /** Same type, same client workload (and parent domain for a tunnel), overlapping in time give or take a window. */
  static boolean matches(PolicyAnomaly a, DnsEpisodeLabel l) {
    if (a.getType() != l.type().expectedFinding()
        || !(a.getSource().getNamespace() + "/" + a.getSource().getName()).equals(l.clientWorkload())) {
      return false;
    }
    if (l.parentDomain() != null && !a.getId().contains(">" + l.parentDomain() + "@")) {
      return false;
    }
    return a.getFirstSeen().toEpochMilli() <= l.end().toEpochMilli() + MINUTE
        && a.getLastSeen().toEpochMilli() >= l.start().toEpochMilli() - MINUTE;
  }

  record Detection(List<PolicyAnomaly> anomalies, long nxdomainInClusterDomain, long nxdomainOutsideClusterDomain) {}

  /**
   * Runs the detectors as an engine does: one group per client key, transactions in query-time order, the watermark
   * at event time (handed on once per second of it); the latest revision of every anomaly.
   */
  static Detection detect(Iterator<LabeledDns> transactions, long learningUntilMillis, DnsDetectionConfig config) {
    List<DnsDetector<?>> detectors = DnsDetectors.all(config, PACING);
    Map<String, DnsDetectorGroup> groups = new HashMap<>();
    List<PolicyAnomaly> out = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long nxdomainIn = 0;
    long nxdomainOutside = 0;
    while (transactions.hasNext()) {
      DnsQuery q = DnsQuery.of(transactions.next().transaction());
      if (q.nxdomain() && q.name().endsWith("." + DnsSimulation.CLUSTER_DOMAIN)) {
        nxdomainIn++;
      } else if (q.nxdomain()) {
        nxdomainOutside++;
      }
      long w = q.timeMillis() - 1;
      if (w >= watermark + 1_000) {
        watermark = w;
        for (DnsDetectorGroup g : groups.values()) {
          if (g.nextDeadline() <= watermark) {
            g.onWatermark(watermark, out::add);
          }
        }
      }
      groups.computeIfAbsent(q.clientKey(), k -> new DnsDetectorGroup(detectors)).onQuery(q, learningUntilMillis, out::add);
    }
    groups.values().forEach(g -> g.onWatermark(Long.MAX_VALUE - 1, out::add));
    Map<String, PolicyAnomaly> latest = new LinkedHashMap<>();
    out.forEach(a -> latest.merge(a.getId(), a, (x, y) -> y.getRevision() >= x.getRevision() ? y : x));
    return new Detection(List.copyOf(latest.values()), nxdomainIn, nxdomainOutside);
  }

  /** Episodes found and anomalies matched, per anomaly type. */
  static final class Score {
    final Map<AnomalyType, Counts> byType = new EnumMap<>(AnomalyType.class);
    final List<String> report = new ArrayList<>();

    Counts of(AnomalyType type) {
      return byType.computeIfAbsent(type, t -> new Counts());
    }

    int episodes() {
      return byType.values().stream().mapToInt(c -> c.episodes).sum();
    }

    double recall() {
      return ratio(byType.values().stream().mapToInt(c -> c.found).sum(), episodes());
    }

    double recall(AnomalyType type) {
      return ratio(of(type).found, of(type).episodes);
    }

    double precision() {
      return ratio(byType.values().stream().mapToInt(c -> c.matched).sum(),
          byType.values().stream().mapToInt(c -> c.anomalies).sum());
    }

    private static double ratio(int part, int whole) {
      return whole == 0 ? 0 : (double) part / whole;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "recall %.3f, precision %.3f", recall(), precision()));
      byType.forEach((type, c) -> b.append(String.format(Locale.ROOT,
          "%n  %-15s episodes %3d found %3d (recall %.3f) | anomalies %3d matched %3d", type, c.episodes, c.found,
          ratio(c.found, c.episodes), c.anomalies, c.matched)));
      report.forEach(r -> b.append("\n  ").append(r));
      return b.toString();
    }
  }

  static final class Counts {
    int episodes;
    int found;
    int anomalies;
    int matched;

    void episode(boolean wasFound) {
      episodes++;
      found += wasFound ? 1 : 0;
    }

    void anomaly(boolean wasMatched) {
      anomalies++;
      matched += wasMatched ? 1 : 0;
    }
  }
}
