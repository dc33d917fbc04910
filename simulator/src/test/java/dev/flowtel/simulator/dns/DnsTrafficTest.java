package dev.flowtel.simulator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.dns.DnsNames;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Service;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Given the default cluster for ten minutes with a generated-domain burst and a tunnel from minute 4 to 7, the DNS
 * transactions look as the collector would publish them: resolved through each pod's search path, answered with the
 * Services' cluster IPs, with enriched ends and keys; the episodes' transactions carry their labels; and the same
 * seed gives the same bytes.
 */
class DnsTrafficTest {

  static final SimulatorSettings SETTINGS = SimulatorSettings.defaults().withDuration(Duration.ofMinutes(10));
  static final List<DnsEpisodeSpec> EPISODES = List.of(DnsEpisodeSpec.parse("NXDOMAIN_SPIKE@4m+3m"),
      DnsEpisodeSpec.parse("DNS_TUNNEL@4m+3m:shop/web"));
  static ClusterSimulator simulator;
  static DnsSimulation dns;
  static List<LabeledDns> all;

  @BeforeAll
  static void run() {
    simulator = ClusterSimulator.of(SETTINGS);
    dns = DnsSimulation.of(simulator, EPISODES).withNodeDomain(DnsSimulation.AWS_NODE_DOMAIN);
    all = new ArrayList<>();
    dns.run(all::add);
  }

  @Test
  void aPodAsksEverySearchDomainBeforeTheBareNameUnderNdots5() {
    SearchPath path = SearchPath.of("shop", "cluster.local", "eu-west-1.compute.internal");

    assertThat(path.candidates("api.example.com")).containsExactly("api.example.com.shop.svc.cluster.local",
        "api.example.com.svc.cluster.local", "api.example.com.cluster.local", "api.example.com.eu-west-1.compute.internal",
        "api.example.com");
    assertThat(path.candidates("orders-api")).startsWith("orders-api.shop.svc.cluster.local");
    assertThat(path.candidates("orders-api.shop.svc.cluster.local.")).containsExactly("orders-api.shop.svc.cluster.local");
    assertThat(path.candidates("a.b.c.d.example.com")).startsWith("a.b.c.d.example.com");
  }

  @Test
  void transactionsComeInQueryTimeOrderWithEnrichedEndsAsTheCollectorPublishesThem() {
    assertThat(all).hasSizeGreaterThan(10_000);
    Cluster cluster = simulator.cluster();
    Set<Integer> resolvers = cluster.pods(cluster.kubeDns().backend()).stream().map(NetworkPeer::address).collect(Collectors.toSet());
    for (int i = 0; i < all.size(); i++) {
      DnsTransaction t = all.get(i).transaction();
      if (i > 0) {
        assertThat(t.getQueryTime()).isAfterOrEqualTo(all.get(i - 1).transaction().getQueryTime());
      }
      assertThat(t.getClient().getKind()).isEqualTo(EndpointKind.POD);
      assertThat(all.get(i).key()).isEqualTo(t.getClient().getNamespace() + "/" + t.getClient().getWorkloadName());
      assertThat(t.getNode()).isEqualTo(t.getClient().getNode());
      assertThat(t.getServer().getServices()).containsExactly("kube-dns");
      assertThat(resolvers).contains(Ipv4.of(t.getServerAddr().get(0) & 0xFF, t.getServerAddr().get(1) & 0xFF,
          t.getServerAddr().get(2) & 0xFF, t.getServerAddr().get(3) & 0xFF));
      assertThat(t.getServerPort()).isEqualTo(53);
      assertThat(t.getProtocol()).isEqualTo(17);
      if (t.getResponseCode() == null) {
        assertThat(t.getLatencyNanos()).isNull();
      } else {
        assertThat(t.getResponseTime()).isEqualTo(t.getQueryTime().plusNanos(t.getLatencyNanos()));
      }
    }
  }

  @Test
  void servicesAnswerWithTheirClusterIpAndSearchPathMissesAreNxdomain() {
    Map<String, Integer> clusterIps = simulator.cluster().services().stream()
        .collect(Collectors.toMap(s -> ResolverZone.serviceName(s, "cluster.local"), Service::clusterIp));
    long answered = 0;
    for (LabeledDns d : all) {
      DnsTransaction t = d.transaction();
      if (!t.getQueryName().endsWith(".cluster.local") || t.getResponseCode() == null) {
        continue;
      }
      Integer ip = clusterIps.get(t.getQueryName());
      assertThat(t.getResponseCode()).as(t.getQueryName()).isEqualTo(ip == null ? 3 : 0);
      if (ip != null && t.getQueryType() == 1) {
        assertThat(t.getAnswers()).hasSize(1);
        assertThat(t.getAnswers().get(0).getAddress().array()).isEqualTo(Ipv4.bytes(ip));
        answered++;
      }
    }
    assertThat(answered).isGreaterThan(1_000);
    long clean = all.stream().filter(LabeledDns::clean).count();
    long nxdomain = all.stream().filter(d -> d.clean() && Integer.valueOf(3).equals(d.transaction().getResponseCode())).count();
    long servfail = all.stream().filter(d -> Integer.valueOf(2).equals(d.transaction().getResponseCode())).count();
    assertThat((double) nxdomain / clean).as("share of clean NXDOMAIN").isBetween(0.2, 0.8);
    assertThat(servfail).isPositive();
  }

  @Test
  void episodesAreLabelledInsideTheirSpanFromOneClient() {
    List<DnsEpisodeLabel> labels = dns.episodes();
    assertThat(labels).extracting(DnsEpisodeLabel::id).containsExactly("dns-01-nxdomain-spike", "dns-02-dns-tunnel");
    assertThat(labels.get(1).clientWorkload()).isEqualTo("shop/web");
    assertThat(labels.get(1).clientKey()).isEqualTo("shop/Deployment/web");
    for (DnsEpisodeLabel label : labels) {
      List<DnsTransaction> labelled = all.stream().filter(d -> label.equals(d.label())).map(LabeledDns::transaction).toList();
      assertThat(labelled).as(label.id()).hasSizeGreaterThan(100);
      assertThat(labelled).allSatisfy(t -> {
        assertThat(t.getQueryTime()).isBetween(label.start(), label.end().plusSeconds(5));
        assertThat(t.getClient().getNamespace() + "/" + t.getClient().getWorkloadName()).isEqualTo(label.clientWorkload());
      });
      assertThat(labelled.stream().map(DnsTransaction::getClientAddr).distinct()).hasSize(1);
    }
    List<DnsTransaction> tunnel = all.stream().filter(d -> labels.get(1).equals(d.label())).map(LabeledDns::transaction).toList();
    assertThat(tunnel).allSatisfy(t -> assertThat(DnsNames.parentDomain(t.getQueryName())).isEqualTo(labels.get(1).parentDomain()));
    assertThat(tunnel.stream().map(DnsTransaction::getQueryName).distinct().count()).isEqualTo(tunnel.size());
    long generatedNxdomain = all.stream().filter(d -> labels.get(0).equals(d.label()))
        .filter(d -> Integer.valueOf(3).equals(d.transaction().getResponseCode())).count();
    assertThat(generatedNxdomain).isGreaterThan(100);
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedOthers() throws Exception {
    String first = digest(dns);
    assertThat(digest(DnsSimulation.of(ClusterSimulator.of(SETTINGS), EPISODES).withNodeDomain(DnsSimulation.AWS_NODE_DOMAIN)))
        .isEqualTo(first);
    assertThat(digest(DnsSimulation.of(ClusterSimulator.of(SETTINGS.withSeed(43)), EPISODES)
        .withNodeDomain(DnsSimulation.AWS_NODE_DOMAIN))).isNotEqualTo(first);
  }

  private static String digest(DnsSimulation simulation) throws Exception {
    WireCodec<DnsTransaction> codec = WireCodec.of(RecordType.DNS_TRANSACTION);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    simulation.run(d -> {
      sha.update(codec.encode(d.transaction()));
      sha.update(d.key().getBytes(StandardCharsets.UTF_8));
      sha.update((d.label() == null ? "-" : d.label().id()).getBytes(StandardCharsets.UTF_8));
    });
    return HexFormat.of().formatHex(sha.digest());
  }
}
