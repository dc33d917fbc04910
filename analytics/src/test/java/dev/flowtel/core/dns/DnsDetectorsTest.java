package dev.flowtel.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Given a workload's DNS queries, when windows close, then these DNS anomalies and no others come out. */
class DnsDetectorsTest {

  static final EdgeEnd CART = new EdgeEnd("shop", "Deployment", "cart", NetworkClass.POD);
  static final long HOUR = 3_600_000;
  static final long LEARNING_UNTIL = HOUR;
  static final AnomalyPacing PACING = new AnomalyPacing(Duration.ofMinutes(5), Duration.ofMinutes(1));

  @Test
  void aBurstOfGeneratedNamesAfterLearningIsOneNxdomainSpike() {
    Run run = new Run();
    long burst = HOUR + 32 * 60_000 + 5_000;
    Random rnd = new Random(1);
    // Learning and after: a typo now and then, and the resolver's search path all the time.
    for (long t = 0; t < 2 * HOUR; t += 30_000) {
      run.query(t, "api.example.com.shop.svc.cluster.local", DnsQuery.NXDOMAIN);
      run.query(t + 1, "api.example.com.svc.cluster.local", DnsQuery.NXDOMAIN);
      run.query(t + 2, "api.example.com", DnsQuery.NOERROR);
      if (t % 600_000 == 0) {
        run.query(t + 3, "api.exmaple.com", DnsQuery.NXDOMAIN);
      }
      if (t + 30_000 > burst && t <= burst) {
        for (int i = 0; i < 150; i++) {
          run.query(burst + i * 100, randomLetters(rnd, 12) + ".com", DnsQuery.NXDOMAIN);
        }
      }
    }
    run.watermark(2 * HOUR + 10 * 60_000);

    List<PolicyAnomaly> spikes = run.latest(AnomalyType.NXDOMAIN_SPIKE);
    assertThat(spikes).hasSize(1);
    PolicyAnomaly spike = spikes.get(0);
    assertThat(spike.getSource().getName()).isEqualTo("cart");
    assertThat(spike.getSource().getNamespace()).isEqualTo("shop");
    assertThat(spike.getEvidence().getCounters()).containsEntry("nxdomainAnswers", 150L)
        .containsEntry("peakNxdomainAnswers", 150L).containsEntry("peakDistinctNames", 150L);
    // 150 names against a threshold of 10 (5 x a baseline of 0, plus nxdomain-min-names): over 10 x the threshold.
    assertThat(spike.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(spike.getFirstSeen().toEpochMilli()).isEqualTo(burst);
    assertThat(spike.getSummary()).startsWith("NXDOMAIN spike: shop/cart got 150 answers \"no such name\" for 150 distinct names"
        + " in one window, against a baseline of 0.").contains("names asked: ");
    assertThat(run.latest(AnomalyType.DNS_TUNNEL)).isEmpty();
  }

  @Test
  void oneBrokenNameRetriedAndTheSearchPathAreNoSpike() {
    Run run = new Run();
    for (long t = HOUR; t < HOUR + 10 * 60_000; t += 500) {
      run.query(t, "db.internal.corp", DnsQuery.NXDOMAIN);
      run.query(t + 1, "db.internal.corp.shop.svc.cluster.local", DnsQuery.NXDOMAIN);
    }
    run.watermark(HOUR + 20 * 60_000);
    assertThat(run.anomalies).isEmpty();
  }

  @Test
  void nothingIsReportedWhileLearning() {
    Run run = new Run();
    Random rnd = new Random(2);
    for (int i = 0; i < 200; i++) {
      run.query(10 * 60_000 + i * 100, randomLetters(rnd, 12) + ".net", DnsQuery.NXDOMAIN);
    }
    run.watermark(LEARNING_UNTIL + 60_000);
    assertThat(run.latest(AnomalyType.NXDOMAIN_SPIKE)).isEmpty();
  }

  @Test
  void manyEncodedNamesUnderOneParentAreALikelyTunnel() {
    Run run = new Run();
    Random rnd = new Random(3);
    long start = 5 * 60_000;
    for (int i = 0; i < 120; i++) {
      run.query(start + i * 400, hex(rnd, 30) + "." + hex(rnd, 20) + ".t.exfil-example.org", DnsQuery.NOERROR);
    }
    // CDN host names: many, short, hashed; and a service's own long but repeated name.
    for (int i = 0; i < 200; i++) {
      run.query(start + i * 250, "d" + hex(rnd, 8) + ".cloudfront.net", DnsQuery.NOERROR);
      run.query(start + i * 250 + 1, "prod-eu-west-1-analytics-collector.example.com", DnsQuery.NOERROR);
    }
    run.watermark(start + 20 * 60_000);

    List<PolicyAnomaly> tunnels = run.latest(AnomalyType.DNS_TUNNEL);
    assertThat(tunnels).hasSize(1);
    PolicyAnomaly tunnel = tunnels.get(0);
    assertThat(tunnel.getId()).contains("shop/Deployment/cart>exfil-example.org");
    assertThat(tunnel.getDestinationPort()).isEqualTo(53);
    // 120 queries over 48 s: in the first 1 min window 120 (the window starts at the 5th minute).
    assertThat(tunnel.getEvidence().getCounters()).containsEntry("queries", 120L).containsEntry("encodedNames", 120L);
    assertThat(tunnel.getSummary()).startsWith("likely DNS tunnel: shop/cart asked 120 distinct encoded-looking names under"
        + " exfil-example.org in one window (51 characters");
  }

  @Test
  void anIgnoredDomainIsNeverATunnel() {
    DnsDetectionConfig config = new DnsDetectionConfig(Duration.ofMinutes(1), "cluster.local", 20, 10, 5, 0.1, 30, 24, 3.5,
        List.of("exfil-example.org"));
    Run run = new Run(config);
    Random rnd = new Random(4);
    for (int i = 0; i < 120; i++) {
      run.query(60_000 + i * 400, hex(rnd, 40) + ".t.exfil-example.org", DnsQuery.NOERROR);
    }
    run.watermark(10 * 60_000);
    assertThat(run.anomalies).isEmpty();
  }

  @Test
  void settingsOutOfRangeAreNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsDetectionConfig(Duration.ZERO, "cluster.local", 20, 10, 5,
        0.1, 30, 24, 3.5, List.of())).hasMessage("detection setting dns-detection-window = PT0S is out of range: expected positive");
  }

  static String hex(Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return b.toString();
  }

  static String randomLetters(Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  /** Both detectors over one client's queries, as an engine runs them: each query, with the watermark 5 s behind. */
  static final class Run {
    final List<PolicyAnomaly> anomalies = new ArrayList<>();
    private final DnsDetectorGroup group;

    Run() {
      this(DnsDetectionConfig.defaults());
    }

    Run(DnsDetectionConfig config) {
      group = new DnsDetectorGroup(DnsDetectors.all(config, PACING));
    }

    void query(long t, String name, int rcode) {
      group.onWatermark(t - 5_000, anomalies::add);
      group.onQuery(new DnsQuery(CART, CART.key(), name, 1, rcode, t), LEARNING_UNTIL, anomalies::add);
    }

    void watermark(long w) {
      group.onWatermark(w, anomalies::add);
    }

    List<PolicyAnomaly> latest(AnomalyType type) {
      Map<String, PolicyAnomaly> byId = new java.util.LinkedHashMap<>();
      anomalies.stream().filter(a -> a.getType() == type).forEach(a -> byId.merge(a.getId(), a,
          (x, y) -> y.getRevision() >= x.getRevision() ? y : x));
      return List.copyOf(byId.values());
    }
  }
}
