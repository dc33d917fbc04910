package dev.flowtel.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Given a workload whose pods resolve through a search path with a node domain of their own (not the cluster's), when
 * its NXDOMAIN answers are counted, then only names that are no search-path expansion count: many new names whose bare
 * form resolves are no spike, generated names are one, and the state stays bounded under any flood.
 */
class NxdomainSpikeDetectorTest {

  static final EdgeEnd CART = new EdgeEnd("shop", "Deployment", "cart", NetworkClass.POD);
  static final long MINUTE = 60_000;
  static final long HOUR = 60 * MINUTE;
  /** Deliberately no cloud's zone: the detector must learn it, not know it. */
  static final List<String> SEARCH = List.of("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example.net");

  @Test
  void manyNewNamesResolvedThroughTheSearchPathAreNoSpike() {
    DnsDetectorsTest.Run run = new DnsDetectorsTest.Run();
    Random rnd = new Random(11);
    for (long t = 0; t < 2 * HOUR; t += 10_000) {
      t = lookup(run, t, "api.example.com", DnsQuery.NOERROR);
    }
    // After learning: a new per-event telemetry name, 120 a minute, each first asked under every search domain (120
    // NXDOMAIN names a minute under corp.example.net, outside the cluster domain), then answered.
    for (long t = 2 * HOUR; t < 2 * HOUR + 5 * MINUTE; t += 500) {
      t = lookup(run, t, DnsDetectorsTest.hex(rnd, 32) + ".events.vendor.io", DnsQuery.NOERROR);
    }
    run.watermark(2 * HOUR + 20 * MINUTE);

    // (Long hashed names under one parent are the tunnel detector's business; this is about NXDOMAINs.)
    assertThat(run.latest(AnomalyType.NXDOMAIN_SPIKE)).isEmpty();
  }

  @Test
  void generatedNamesThroughTheSearchPathAreOneSpikeCountedOnceEach() {
    DnsDetectorsTest.Run run = new DnsDetectorsTest.Run();
    Random rnd = new Random(12);
    long burst = HOUR + 20 * MINUTE;
    for (long t = 0; t < 2 * HOUR; t += 2_000) {
      lookup(run, t, "api.example.com", DnsQuery.NOERROR);
      if (t >= burst && t < burst + MINUTE) {
        // 30 generated names in one minute: 60 NXDOMAIN names outside the cluster domain counting the expansions
        // under corp.example.net, 30 of them the names the malware meant.
        lookup(run, t + 10, DnsDetectorsTest.randomLetters(rnd, 14) + ".com", DnsQuery.NXDOMAIN);
      }
    }
    run.watermark(2 * HOUR + 10 * MINUTE);

    List<PolicyAnomaly> spikes = run.latest(AnomalyType.NXDOMAIN_SPIKE);
    assertThat(spikes).hasSize(1);
    PolicyAnomaly spike = spikes.get(0);
    assertThat(spike.getEvidence().getCounters()).containsEntry("peakDistinctNames", 30L).containsEntry("nxdomainAnswers", 30L);
    assertThat(spike.getFirstSeen().toEpochMilli()).isBetween(burst, burst + MINUTE - 1);
    assertThat(spike.getSummary()).contains("for 30 distinct names").contains("no search-path expansion")
        .contains("left out, under corp.example.net").doesNotContain(".com.corp.example.net");
  }

  @Test
  void aSuffixOfOneLabelIsNeverLearned() {
    NxdomainSpikeDetector.SearchSuffixes suffixes = new NxdomainSpikeDetector.SearchSuffixes();
    suffixes.observe(query(0, "qwzxrtplk.com", DnsQuery.NXDOMAIN));
    suffixes.observe(query(1, "qwzxrtplk", DnsQuery.NXDOMAIN));
    suffixes.observe(query(2, "db.corp.example.net", DnsQuery.NXDOMAIN));
    suffixes.observe(query(3, "db", DnsQuery.NOERROR));

    assertThat(suffixes.learned).containsExactly("corp.example.net");
    assertThat(suffixes.expansionOf("abc.com")).isNull();
    assertThat(suffixes.expansionOf("abc.com.corp.example.net")).isEqualTo("corp.example.net");
    assertThat(suffixes.expansionOf("xcorp.example.net")).isNull();
  }

  @Test
  void stateStaysBoundedUnderAFloodAndRoundTripsThroughItsBytes() throws Exception {
    NxdomainSpikeDetector detector = new NxdomainSpikeDetector(DnsDetectionConfig.defaults(), PACING);
    NxdomainSpikeDetector.State state = detector.newState();
    List<PolicyAnomaly> out = new ArrayList<>();
    Random rnd = new Random(13);
    // 50 000 distinct NXDOMAIN names in one window, each followed by a bare name that teaches another suffix.
    for (int i = 0; i < 50_000; i++) {
      String suffix = "zone" + i + ".example.net";
      String x = DnsDetectorsTest.randomLetters(rnd, 12);
      detector.onQuery(state, query(i, x + "." + suffix, DnsQuery.NXDOMAIN), 0, out::add);
      detector.onQuery(state, query(i, x, DnsQuery.NXDOMAIN), 0, out::add);
    }
    byte[] bytes = serialize(state);
    NxdomainSpikeDetector.State copy = (NxdomainSpikeDetector.State) deserialize(bytes);

    assertThat(state.suffixes.learned).hasSize(NxdomainSpikeDetector.MAX_SEARCH_SUFFIXES);
    assertThat(bytes.length).as("serialized state").isLessThan(400_000);
    List<PolicyAnomaly> fromCopy = new ArrayList<>();
    detector.onWatermark(state, Long.MAX_VALUE - 1, out::add);
    detector.onWatermark(copy, Long.MAX_VALUE - 1, fromCopy::add);
    assertThat(fromCopy).hasSameSizeAs(out).isNotEmpty();
    assertThat(fromCopy.get(0).getEvidence().getCounters()).isEqualTo(out.get(0).getEvidence().getCounters());
    // All 100 000 answers count: 4 096 names are judged (16 of them under a learned suffix), the rest are a flood.
    assertThat(out.get(0).getEvidence().getCounters()).containsEntry("nxdomainAnswers", 100_000L - 16);
  }

  static final AnomalyPacing PACING = new AnomalyPacing(Duration.ofMinutes(5), Duration.ofMinutes(1));

  /** One stub-resolver lookup of {@code name}: every search domain NXDOMAIN, 1 ms apart, then the bare name; returns its time. */
  static long lookup(DnsDetectorsTest.Run run, long t, String name, int bareCode) {
    for (String s : SEARCH) {
      run.query(t++, name + "." + s, DnsQuery.NXDOMAIN);
    }
    run.query(t, name, bareCode);
    return t;
  }

  static DnsQuery query(long t, String name, int rcode) {
    return new DnsQuery(CART, CART.key(), name, 1, rcode, t);
  }

  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }
}
