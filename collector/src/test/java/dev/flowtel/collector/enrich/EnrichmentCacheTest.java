package dev.flowtel.collector.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.NetworkClass;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache's bounds and the network classes of addresses no pod or Service owns. */
class EnrichmentCacheTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final IpAddress IP = IpAddress.parse("10.244.7.7");

  @Test
  void endedPodsLeaveTheHistoryAfterTheRetentionAndAtMostTheCapIsKept() {
    MutableClock clock = new MutableClock(T0);
    EnrichmentCache cache = new EnrichmentCache(EnrichmentSettings.defaults().withHistory(Duration.ofMinutes(5), 3), clock);
    for (int i = 0; i < 4; i++) {
      clock.set(T0.plus(Duration.ofMinutes(i)));
      cache.upsertPod(pod("p" + i, T0.plus(Duration.ofMinutes(i)).toEpochMilli()));
      clock.set(T0.plus(Duration.ofMinutes(i)).plusSeconds(30));
      cache.deletePod("ns", "p" + i);
    }
    long m = 60_000;
    long t0 = T0.toEpochMilli();
    assertThat(cache.history(IP)).as("the cap of 3 drops the oldest").containsExactly(
        "ns/p1 [" + (t0 + m) + "," + (t0 + m + 30_000) + ")",
        "ns/p2 [" + (t0 + 2 * m) + "," + (t0 + 2 * m + 30_000) + ")",
        "ns/p3 [" + (t0 + 3 * m) + "," + (t0 + 3 * m + 30_000) + ")");

    clock.set(T0.plus(Duration.ofMinutes(7)).plusSeconds(45));
    cache.evictExpired();
    assertThat(cache.history(IP)).as("p1 and p2 ended more than 5 min ago")
        .containsExactly("ns/p3 [" + (t0 + 3 * m) + "," + (t0 + 3 * m + 30_000) + ")");
    clock.set(T0.plus(Duration.ofMinutes(9)));
    cache.evictExpired();
    assertThat(cache.history(IP)).isEmpty();
    assertThat(cache.addressCount()).isZero();
  }

  @Test
  void addressesOutsideTheClusterAreClassedByTheConfiguredCidrs() {
    EnrichmentSettings settings = new EnrichmentSettings(EnrichmentSettings.cidrs("--pod-cidrs", "10.244.0.0/16,fd10::/64"),
        EnrichmentSettings.cidrs("--service-cidrs", "10.96.0.0/12"), EnrichmentSettings.cidrs("--node-cidrs", "192.168.0.0/24"),
        EnrichmentSettings.cidrs("--cluster-cidrs", "100.64.0.0/10"),
        EnrichmentSettings.cidrs("--private-cidrs", EnrichmentSettings.DEFAULT_PRIVATE_CIDRS), Duration.ofMinutes(10), 8,
        Duration.ZERO, Duration.ofSeconds(5));
    NetworkClassifier classifier = new NetworkClassifier(settings);
    assertThat(classifier.classify(IpAddress.parse("10.244.3.3"))).isEqualTo(NetworkClass.POD);
    assertThat(classifier.classify(IpAddress.parse("fd10::7"))).isEqualTo(NetworkClass.POD);
    assertThat(classifier.classify(IpAddress.parse("10.100.0.1"))).isEqualTo(NetworkClass.SERVICE);
    assertThat(classifier.classify(IpAddress.parse("192.168.0.40"))).isEqualTo(NetworkClass.NODE);
    assertThat(classifier.classify(IpAddress.parse("100.64.1.1"))).isEqualTo(NetworkClass.CLUSTER);
    assertThat(classifier.classify(IpAddress.parse("127.0.0.1"))).isEqualTo(NetworkClass.LOOPBACK);
    assertThat(classifier.classify(IpAddress.parse("10.1.2.3"))).isEqualTo(NetworkClass.PRIVATE);
    assertThat(classifier.classify(IpAddress.parse("172.31.255.255"))).isEqualTo(NetworkClass.PRIVATE);
    assertThat(classifier.classify(IpAddress.parse("172.32.0.1"))).isEqualTo(NetworkClass.PUBLIC);
    assertThat(classifier.classify(IpAddress.parse("fd00::1"))).isEqualTo(NetworkClass.PRIVATE);
    assertThat(classifier.classify(IpAddress.parse("2001:db8::1"))).isEqualTo(NetworkClass.PUBLIC);
    assertThat(classifier.classify(IpAddress.parse("8.8.8.8"))).isEqualTo(NetworkClass.PUBLIC);
  }

  @Test
  void aBadCidrNamesTheOptionAndWhatIsWrong() {
    assertThatThrownBy(() -> EnrichmentSettings.cidrs("--pod-cidrs", "10.244.0.0/16,10.0.0.0/33"))
        .hasMessage("--pod-cidrs \"10.0.0.0/33\" is not a CIDR: prefix 33 exceeds 32");
    assertThatThrownBy(() -> EnrichmentSettings.cidrs("--private-cidrs", "intranet/8"))
        .hasMessage("--private-cidrs \"intranet/8\" is not a CIDR: \"intranet\" is not an IPv4 or IPv6 address");
  }

  @Test
  void aDualStackPodIsFoundByEitherAddress() {
    EnrichmentCache cache = new EnrichmentCache(EnrichmentSettings.defaults()
        .withPodCidrs(EnrichmentSettings.cidrs("--pod-cidrs", "10.244.0.0/16,fd00:10:244::/56")), new MutableClock(T0));
    IpAddress v6 = IpAddress.parse("fd00:10:244:1::7");
    cache.upsertPod(new PodRecord("uid-dual", "ns", "dual", Map.of("app", "dual"), "node-1", false, List.of(),
        List.of(IP, v6), List.of(), null, null, T0.toEpochMilli(), PodRecord.OPEN, "1"));
    long t = T0.plusSeconds(5).toEpochMilli();
    assertThat(cache.endpoint(IpAddress.ofBytes(new byte[] {(byte) 0xfd, 0, 0, 0x10, 0x02, 0x44, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7}),
        443, 6, t, t).getPod()).isEqualTo("dual");
    assertThat(cache.endpoint(IP, 443, 6, t, t).getPod()).isEqualTo("dual");
    assertThat(cache.endpoint(IpAddress.parse("fd00:10:244:1::8"), 443, 6, t, t).getNetworkClass()).isEqualTo(NetworkClass.POD);
  }

  @Test
  void addressesPrintAsTheyAreWritten() {
    for (String a : List.of("10.244.1.7", "0.0.0.0", "255.255.255.255", "::1", "::", "fd42::7", "2001:db8:0:1:1:1:1:1",
        "2001:db8::1:0:0:1", "fe80::1:2")) {
      assertThat(IpAddress.parse(a).toString()).isEqualTo(a);
    }
    assertThat(IpAddress.ofBytes(new byte[] {10, (byte) 244, 0, 1})).isEqualTo(IpAddress.parse("10.244.0.1"));
  }

  private static PodRecord pod(String name, long start) {
    return new PodRecord("uid-" + name, "ns", name, Map.of(), "node-1", false, List.of(), List.of(IP), List.of(), null, null,
        start, PodRecord.OPEN, "1");
  }
}
