package dev.flowtel.collector.enrich;

import static dev.flowtel.collector.enrich.DnsTransactions.answered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.DnsTransaction;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which name an address carries at a flow's time: TTLs within their bounds, newest answer first, errors ignored, bounded. */
class DnsAnswerCacheTest {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final IpAddress API = IpAddress.parse("104.20.67.143");
  private static final String POD = "10.244.1.7";
  private static final String KUBE_DNS = "10.96.0.10";

  private final MutableClock clock = new MutableClock(T0);
  private final DnsAnswerCache cache = new DnsAnswerCache(1000, Duration.ofSeconds(30), Duration.ofHours(1), clock);

  private static long at(Instant t) {
    return t.toEpochMilli();
  }

  @Test
  void anAnswerNamesItsAddressesUntilItsTtlRunsOut() {
    cache.record(answered(POD, KUBE_DNS, "api.example.com", T0, 0, 300, "104.20.67.143", "172.67.1.1"));
    Instant answered = T0.plusMillis(2);

    assertThat(cache.name(API, at(answered))).isEqualTo("api.example.com");
    assertThat(cache.name(IpAddress.parse("172.67.1.1"), at(answered.plusSeconds(100)))).isEqualTo("api.example.com");
    assertThat(cache.name(IpAddress.parse("172.67.1.1"), at(answered.plusSeconds(300)))).as("expired at response + ttl").isNull();
    assertThat(cache.name(IpAddress.parse("9.9.9.9"), at(answered))).isNull();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void aShortTtlIsRaisedToTheFloorAndALongOneCutToTheCeiling() {
    cache.record(answered(POD, KUBE_DNS, "zero.example.com", T0, 0, 0, "1.1.1.1", "1.1.1.2"));
    cache.record(answered(POD, KUBE_DNS, "day.example.com", T0, 0, 86_400, "2.2.2.2", "2.2.2.3"));
    Instant answered = T0.plusMillis(2);

    assertThat(cache.name(IpAddress.parse("1.1.1.1"), at(answered.plusSeconds(29)))).as("TTL 0 still names the connection after it")
        .isEqualTo("zero.example.com");
    assertThat(cache.name(IpAddress.parse("1.1.1.2"), at(answered.plusSeconds(30)))).as("unused: gone after the floor").isNull();
    DnsAnswerCache noFloor = new DnsAnswerCache(10, Duration.ZERO, Duration.ofHours(1), clock);
    noFloor.record(answered(POD, KUBE_DNS, "zero.example.com", T0, 0, 0, "1.1.1.1"));
    assertThat(noFloor.name(IpAddress.parse("1.1.1.1"), at(answered))).as("without a floor TTL 0 names nothing").isNull();
    assertThat(cache.name(IpAddress.parse("2.2.2.2"), at(answered.plus(Duration.ofHours(1)).minusMillis(1))))
        .isEqualTo("day.example.com");
    assertThat(cache.name(IpAddress.parse("2.2.2.3"), at(answered.plus(Duration.ofHours(1))))).as("cut to one hour").isNull();
  }

  @Test
  void aFlowNearTheExpiryKeepsTheNameForALongLivedConnection() {
    cache.record(answered(POD, KUBE_DNS, "api.example.com", T0, 0, 60, "104.20.67.143"));
    Instant answered = T0.plusMillis(2);

    assertThat(cache.name(API, at(answered.plusSeconds(50)))).as("within 30 s of the expiry: extended to 30 s after the flow")
        .isEqualTo("api.example.com");
    assertThat(cache.name(API, at(answered.plusSeconds(79)))).isEqualTo("api.example.com");
    assertThat(cache.name(API, at(answered.plusSeconds(79 + 31)))).as("nobody used it for 31 s").isNull();
  }

  @Test
  void theNewestAnswerWinsWhenSeveralNamesShareAnAddress() {
    cache.record(answered(POD, KUBE_DNS, "b.example.com", T0.plusSeconds(10), 0, 300, "104.20.67.143"));
    cache.record(answered(POD, KUBE_DNS, "a.example.com", T0, 0, 300, "104.20.67.143"));
    assertThat(cache.name(API, at(T0.plusSeconds(20)))).as("an older answer reported later does not win")
        .isEqualTo("b.example.com");

    cache.record(answered(POD, KUBE_DNS, "c.example.com", T0.plusSeconds(15), 0, 300, "104.20.67.143"));
    assertThat(cache.name(API, at(T0.plusSeconds(20)))).isEqualTo("c.example.com");
  }

  @Test
  void errorsUnansweredQueriesAndEmptyAnswersTeachNothing() {
    cache.record(answered(POD, KUBE_DNS, "gone.example.com", T0, 3, 300, "104.20.67.143"));   // NXDOMAIN
    cache.record(answered(POD, KUBE_DNS, "broken.example.com", T0, 2, 300, "104.20.67.143")); // SERVFAIL
    DnsTransaction unanswered = answered(POD, KUBE_DNS, "slow.example.com", T0, 0, 300, "104.20.67.143");
    unanswered.setResponseCode(null);
    unanswered.setResponseTime(null);
    cache.record(unanswered);
    cache.record(answered(POD, KUBE_DNS, "", T0, 0, 300, "104.20.67.143"));
    cache.record(answered(POD, KUBE_DNS, "txt.example.com", T0, 0, 300));

    assertThat(cache.name(API, at(T0.plusSeconds(1)))).isNull();
    assertThat(cache.size()).isZero();
    assertThat(cache.answers()).isZero();
  }

  @Test
  void pastTheBoundExpiredEntriesGoFirstThenThoseExpiringSoonestAndEvictionsAreCounted() {
    DnsAnswerCache small = new DnsAnswerCache(10, Duration.ZERO, Duration.ofHours(1), clock);
    small.record(answered(POD, KUBE_DNS, "old.example.com", T0, 0, 10, "1.0.0.1", "1.0.0.2"));
    for (int i = 0; i < 8; i++) {
      small.record(answered(POD, KUBE_DNS, "n" + i + ".example.com", T0.plusSeconds(20), 0, 100 + i, "2.0.0." + i));
    }
    assertThat(small.size()).isEqualTo(10);
    assertThat(small.evictions()).isZero();

    clock.set(T0.plusSeconds(30));
    small.record(answered(POD, KUBE_DNS, "new.example.com", T0.plusSeconds(30), 0, 300, "3.0.0.1"));
    // 11 > 10: the two expired at T0+10 go, leaving 9 = 90% of the bound.
    assertThat(small.size()).isEqualTo(9);
    assertThat(small.evictions()).isEqualTo(2);

    small.record(answered(POD, KUBE_DNS, "newer.example.com", T0.plusSeconds(31), 0, 300, "3.0.0.2"));
    small.record(answered(POD, KUBE_DNS, "newest.example.com", T0.plusSeconds(32), 0, 300, "3.0.0.3"));
    // 11 again, none expired: the two expiring soonest (n0, n1) go.
    assertThat(small.size()).isEqualTo(9);
    assertThat(small.evictions()).isEqualTo(4);
    long t = at(T0.plusSeconds(33));
    assertThat(small.name(IpAddress.parse("2.0.0.0"), t)).isNull();
    assertThat(small.name(IpAddress.parse("2.0.0.1"), t)).isNull();
    assertThat(small.name(IpAddress.parse("2.0.0.2"), t)).isEqualTo("n2.example.com");
    assertThat(small.name(IpAddress.parse("3.0.0.3"), t)).isEqualTo("newest.example.com");
  }

  @Test
  void badBoundsSayWhatIsWrong() {
    assertThatThrownBy(() -> new DnsAnswerCache(0, Duration.ZERO, Duration.ZERO, clock))
        .hasMessage("DNS cache entries 0: give at least 1");
    assertThatThrownBy(() -> new DnsAnswerCache(1, Duration.ofMinutes(2), Duration.ofMinutes(1), clock))
        .hasMessageContaining("the maximum at least the minimum");
  }
}
