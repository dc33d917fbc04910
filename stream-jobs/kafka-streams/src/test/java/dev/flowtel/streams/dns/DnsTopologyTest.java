package dev.flowtel.streams.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.streams.Driver;
import dev.flowtel.streams.ScriptedDns;
import dev.flowtel.streams.testing.FinalRevisions;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The DNS part of the app in a TopologyTestDriver: DnsTransactions in on the DNS topic, through the
 * repartition by client, DNS anomalies out on the anomalies topic and undecodable records to the DLQ.
 * Every workload asks its usual names (and the resolver's search path NXDOMAINs) every 30 s for 40
 * minutes; learning takes the first 10.
 */
class DnsTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final Endpoint CART = pod("cart-5c7d-aaaaa", "cart", "node-a");
  static final Endpoint CHECKOUT = pod("checkout-0", "checkout", "node-b");
  static final byte[] CART_IP = {10, (byte) 244, 1, 21};
  static final byte[] CHECKOUT_IP = {10, (byte) 244, 2, 30};
  static final String[] OPTIONS = {"--no-traffic", "--learning-period", "10m", "--max-out-of-orderness", "5s"};

  @Test
  void aBurstOfGeneratedNamesIsOneNxdomainSpikeOfTheWorkloadAndTheCleanOneHasNone() throws Exception {
    List<DnsTransaction> input = baseline();
    Random rnd = new Random(7);
    Instant burst = T0.plusSeconds(20 * 60 + 5);
    for (int i = 0; i < 150; i++) {
      input.add(ScriptedDns.query(CART, CART_IP, burst.plusMillis(i * 100L), ScriptedDns.letters(rnd, 12) + ".com", 3, 900L));
    }
    Map<String, PolicyAnomaly> anomalies = run(input);

    assertThat(anomalies.values()).singleElement().satisfies(spike -> {
      assertThat(spike.getType()).isEqualTo(AnomalyType.NXDOMAIN_SPIKE);
      assertThat(spike.getSource().getNamespace()).isEqualTo("shop");
      assertThat(spike.getSource().getName()).isEqualTo("cart");
      assertThat(spike.getFirstSeen()).isEqualTo(burst);
      assertThat(spike.getEvidence().getCounters()).containsEntry("nxdomainAnswers", 150L)
          .containsEntry("peakDistinctNames", 150L);
    });
  }

  @Test
  void manyEncodedNamesUnderOneParentAreOneTunnel() throws Exception {
    List<DnsTransaction> input = baseline();
    Random rnd = new Random(8);
    Instant start = T0.plusSeconds(25 * 60);
    for (int i = 0; i < 120; i++) {
      input.add(ScriptedDns.query(CHECKOUT, CHECKOUT_IP, start.plusMillis(i * 400L),
          ScriptedDns.hex(rnd, 30) + "." + ScriptedDns.hex(rnd, 20) + ".t.exfil-example.org", 0, 1_500L));
    }
    Map<String, PolicyAnomaly> anomalies = run(input);

    assertThat(anomalies.values()).singleElement().satisfies(tunnel -> {
      assertThat(tunnel.getType()).isEqualTo(AnomalyType.DNS_TUNNEL);
      assertThat(tunnel.getId()).contains("shop/StatefulSet/checkout>exfil-example.org");
      assertThat(tunnel.getEvidence().getCounters()).containsEntry("queries", 120L).containsEntry("encodedNames", 120L);
    });
  }

  @Test
  void aCleanClusterWithTyposAndSearchPathsHasNoDnsAnomaly() throws Exception {
    List<DnsTransaction> input = baseline();
    for (int minute = 0; minute < 40; minute += 7) {
      input.add(ScriptedDns.query(CART, CART_IP, T0.plusSeconds(minute * 60L + 11), "api.exmaple.com", 3, 700L));
    }
    assertThat(run(input)).isEmpty();
  }

  @Test
  void undecodableDnsRecordsAreDeadLetteredWithTheReasonAndNoEventTime() throws Exception {
    try (Driver app = new Driver(OPTIONS)) {
      byte[] key = "shop/cart".getBytes(StandardCharsets.UTF_8);
      app.dns(key, new byte[] {1, 2, 3});
      app.dns(key, null);
      byte[] flowNotDns = dev.flowtel.wire.WireCodec.of(dev.flowtel.wire.RecordType.FLOW_EVENT)
          .encode(dev.flowtel.streams.ScriptedFlows.flow(CART, CART_IP, 1, CHECKOUT, CHECKOUT_IP, 2, "node-a",
              dev.flowtel.schema.Direction.EGRESS, 1, 100, 0, null));
      app.dns(key, flowNotDns);
      List<TestRecord<byte[], byte[]>> letters = app.deadLetters();
      assertThat(letters).extracting(r -> header(r, DeadLetterHeaders.REASON))
          .containsExactly("not-single-object", "no-value", "wrong-record-type");
      assertThat(letters).extracting(r -> header(r, DeadLetterHeaders.SOURCE_TOPIC)).containsOnly(Driver.DNS);
      assertThat(letters.get(2).value()).isEqualTo(flowNotDns);
      assertThat(header(letters.get(2), DeadLetterHeaders.DETAIL)).isEqualTo("record is a FlowEvent v2, expected DnsTransaction");
      assertThat(letters).allSatisfy(r -> assertThat(r.key()).isEqualTo(key));
      assertThat(app.metrics.dnsIn.sum()).isEqualTo(3);
      assertThat(app.metrics.dnsUndecodable.sum()).isEqualTo(3);
      app.finish();
      assertThat(app.anomalies()).isEmpty();
    }
  }

  /** Both workloads' usual queries every 30 s for 40 minutes, in time order. */
  static List<DnsTransaction> baseline() {
    List<DnsTransaction> out = new ArrayList<>();
    for (long s = 0; s < 40 * 60; s += 30) {
      Instant t = T0.plusSeconds(s);
      out.add(ScriptedDns.query(CART, CART_IP, t, "api.example.com.shop.svc.cluster.local", 3, 300L));
      out.add(ScriptedDns.query(CART, CART_IP, t.plusMillis(1), "api.example.com", 0, 4_000L));
      out.add(ScriptedDns.query(CHECKOUT, CHECKOUT_IP, t.plusMillis(2), "payments.shop.svc.cluster.local", 0, 200L));
      out.add(ScriptedDns.query(CHECKOUT, CHECKOUT_IP, t.plusMillis(3), "db.example.net", null, null));
    }
    return out;
  }

  /** The input in time order through the app, to the end of event time; the DNS anomalies at their final revisions. */
  static Map<String, PolicyAnomaly> run(List<DnsTransaction> input) throws Exception {
    List<DnsTransaction> sorted = new ArrayList<>(input);
    sorted.sort(Comparator.comparing(DnsTransaction::getQueryTime));
    try (Driver app = new Driver(OPTIONS)) {
      sorted.forEach(t -> app.dns(ScriptedDns.key(t), ScriptedDns.encode(t)));
      app.finish();
      assertThat(app.deadLetters()).isEmpty();
      return FinalRevisions.anomalies(app.anomalies());
    }
  }

  static Endpoint pod(String name, String workload, String node) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace("shop").setPod(name)
        .setWorkloadKind(workload.equals("checkout") ? "StatefulSet" : "Deployment").setWorkloadName(workload)
        .setLabels(Map.of("app", workload)).setNode(node).setNetworkClass(NetworkClass.POD).build();
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
