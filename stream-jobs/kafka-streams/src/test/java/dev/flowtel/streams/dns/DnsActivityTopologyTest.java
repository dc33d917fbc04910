package dev.flowtel.streams.dns;

import static dev.flowtel.streams.dns.DnsTopologyTest.CART;
import static dev.flowtel.streams.dns.DnsTopologyTest.CART_IP;
import static dev.flowtel.streams.dns.DnsTopologyTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.ScriptedDns;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * DnsActivity from the app in a TopologyTestDriver: per 1-minute window, client and name, exact
 * counts by response class, latency percentiles from the fixed buckets, a revision when a late query
 * arrives within the allowed lateness, the dead-letter topic for one beyond it, and the cap on names.
 */
class DnsActivityTopologyTest {

  private static final WireCodec<DnsActivity> CODEC = WireCodec.of(RecordType.DNS_ACTIVITY);
  /** Bucket midpoints (the value a percentile in that bucket reports) but the last: percentiles come out exact. */
  private static final long[] LATENCIES = {544, 608, 672, 736, 800, 864, 928, 992, 1088, 4000};

  @Test
  void aWindowOfOneClientIsOneRowPerNameWithExactCountsAndPercentilesThenALateRevision() throws Exception {
    try (Driver app = new Driver("--no-traffic", "--no-detection", "--max-out-of-orderness", "5s", "--allowed-lateness", "30s")) {
      for (int i = 0; i < LATENCIES.length; i++) {
        send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(1 + i), "api.example.com", 0, LATENCIES[i]));
      }
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(12), "API.Example.com.", null, null));
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(13), "api.example.com", null, null));
      for (int i = 0; i < 3; i++) {
        send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(20 + i), "x.example.com", 3, 300L));
      }
      assertThat(app.dnsActivityBytes()).as("nothing before the window closes").isEmpty();

      // The next window's query moves event time past the first window's end: it is emitted.
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(70), "api.example.com", 2, 5_000L));
      List<TestRecordView> first = read(app);
      assertThat(first).extracting(TestRecordView::key)
          .containsExactly("shop/Deployment/cart|api.example.com", "shop/Deployment/cart|x.example.com");
      DnsActivity api = first.get(0).value();
      assertThat(api.getWindowStart()).isEqualTo(T0);
      assertThat(api.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
      assertThat(api.getClient().getName()).isEqualTo("cart");
      assertThat(api.getQueries()).isEqualTo(12);
      assertThat(api.getNoError()).isEqualTo(10);
      assertThat(api.getUnanswered()).isEqualTo(2);
      assertThat(api.getNxdomain() + api.getServfail() + api.getOtherError() + api.getTruncated()).isZero();
      // Nearest rank over the 10 answered: the 5th, 9th and 10th smallest.
      assertThat(api.getLatencyP50Micros()).isEqualTo(800L);
      assertThat(api.getLatencyP90Micros()).isEqualTo(1088L);
      assertThat(api.getLatencyP99Micros()).as("4000 us reported as its bucket's middle").isEqualTo(3968L);
      assertThat(api.getLatencyMaxMicros()).isEqualTo(4000L);
      assertThat(api.getLatencyBuckets().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
      assertThat(api.getRevision()).isZero();
      DnsActivity nx = first.get(1).value();
      assertThat(nx.getQueries()).isEqualTo(3);
      assertThat(nx.getNxdomain()).isEqualTo(3);
      assertThat(nx.getLatencyP50Micros()).isEqualTo(300L);
      assertThat(nx.getLatencyMaxMicros()).isEqualTo(300L);

      // A query of the first window within the allowed lateness: the window again, revision 1, at the next advance.
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(50), "api.example.com", 0, 544L));
      assertThat(app.dnsActivityBytes()).isEmpty();
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(80), "api.example.com", 0, 544L));
      assertThat(read(app)).extracting(r -> r.value().getQueryName() + " rev " + r.value().getRevision() + " queries "
          + r.value().getQueries()).containsExactly("api.example.com rev 1 queries 13", "x.example.com rev 1 queries 3");

      // Event time past the first window's end plus the lateness: a query for it is dead-lettered as late.
      send(app, ScriptedDns.query(CART, CART_IP, T0.plusSeconds(130), "api.example.com", 0, 544L));
      read(app);
      DnsTransaction late = ScriptedDns.query(CART, CART_IP, T0.plusSeconds(55), "api.example.com", 0, 544L);
      send(app, late);
      List<TestRecord<byte[], byte[]>> letters = app.deadLetters();
      assertThat(letters).singleElement().satisfies(r -> {
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
            .isEqualTo("late");
        assertThat(r.value()).isEqualTo(ScriptedDns.encode(late));
      });
      assertThat(app.metrics.lateDns.sum()).isEqualTo(1);

      app.finish();
      assertThat(read(app)).extracting(r -> r.value().getWindowStart() + " " + r.value().getQueries())
          .containsExactly(T0.plusSeconds(120) + " 1");
    }
  }

  @Test
  void namesBeyondTheCapAreCountedExactlyInOneOtherRow() throws Exception {
    try (Driver app = new Driver("--no-traffic", "--no-detection", "--dns-names-per-window", "3")) {
      for (int n = 0; n < 5; n++) {
        for (int q = 0; q <= n; q++) {
          send(app, ScriptedDns.query(CART, CART_IP, T0.plusMillis(1_000L * n + q), "name-" + n + ".example.com", 0, 100L));
        }
      }
      app.finish();
      Map<String, DnsActivity> rows = read(app).stream()
          .collect(Collectors.toMap(r -> r.value().getQueryName(), TestRecordView::value));
      assertThat(rows).hasSize(4).containsKey(DnsActivityAccumulator.OTHER_NAMES);
      DnsActivity other = rows.get(DnsActivityAccumulator.OTHER_NAMES);
      assertThat(other.getFoldedNames()).isEqualTo(2);
      assertThat(rows.values().stream().mapToLong(DnsActivity::getQueries).sum()).isEqualTo(15);
      long keptQueries = rows.values().stream().filter(r -> r != other).mapToLong(DnsActivity::getQueries).sum();
      assertThat(other.getQueries()).isEqualTo(15 - keptQueries);
    }
  }

  private static void send(Driver app, DnsTransaction t) {
    app.dns(ScriptedDns.key(t), ScriptedDns.encode(t));
  }

  private record TestRecordView(String key, DnsActivity value) {}

  private static List<TestRecordView> read(Driver app) {
    return app.dnsActivityRecords().stream().map(r -> {
      DnsActivity a = CODEC.decode(r.value()).orElseThrow();
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(key).isEqualTo(DnsActivityWindows.recordKey(a));
      return new TestRecordView(key, a);
    }).toList();
  }

  static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }
}
