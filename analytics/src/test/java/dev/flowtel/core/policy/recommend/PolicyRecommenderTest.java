package dev.flowtel.core.policy.recommend;

import static dev.flowtel.core.policy.recommend.HistoryScenario.T0;
import static dev.flowtel.core.policy.recommend.HistoryScenario.inventory;
import static dev.flowtel.core.policy.recommend.HistoryScenario.refused;
import static dev.flowtel.core.policy.recommend.HistoryScenario.seen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.schema.NetworkClass;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Given shop's web calling its api, the api calling payments' billing, the SaaS and a database
 * outside, both resolving names, internet clients reaching web, and some traffic no rule should
 * allow: the recommendation is exactly these policies, with this evidence and this report.
 */
class PolicyRecommenderTest {

  private static final PolicyPeer WEB = PolicyPeer.Pods.inPolicyNamespace(LabelSelector.matchLabels(Map.of("app", "web")));
  private static final PolicyPeer DNS = new PolicyPeer.Pods(
      LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "kube-system")),
      LabelSelector.matchLabels(Map.of("k8s-app", "kube-dns")));
  private static final List<PolicyPort> DNS_PORTS = List.of(PolicyPort.number(Protocol.UDP, 53), PolicyPort.number(Protocol.TCP, 53));

  static List<ObservedEdge> history() {
    return List.of(
        seen("shop/Deployment/web>shop/Service/api:8080/6", 60, 30_000, 0, 50),
        seen("shop/Deployment/web>shop/Service/api:8080/6", 40, 20_000, 60, 120),
        seen("shop/Deployment/api>payments/Service/billing:8443/6", 10, 1_000, 5, 6),
        seen("shop/Deployment/web>kube-system/Service/kube-dns:53/17", 50, 4_000, 0, 119),
        seen("shop/Deployment/api>-/External/PUBLIC:443/6", 7, 70_000, 1, 2, "52.94.236.248"),
        seen("-/External/PUBLIC>shop/Deployment/web:8080/6", 12, 9_000, 0, 100, "198.51.100.10", "198.51.100.17",
            "198.51.100.24", "198.51.100.31", "198.51.100.38", "203.0.113.9"),
        seen("shop/Deployment/api>-/External/PRIVATE:5432/6", 3, 900, 3, 4),
        seen("shop/Deployment/web>payments/Deployment/billing:22/6", 5, 500, 30, 31),
        refused("shop/Deployment/web>shop/Deployment/api:9999/6", 3),
        seen("shop/Deployment/ghost>shop/Service/api:8080/6", 2, 100, 0, 1),
        seen("-/Node/node-1>shop/Service/api:8080/6", 9, 900, 0, 10),
        seen("shop/Deployment/api>shop/Service/api:9090/1", 1, 84, 0, 0));
  }

  static List<AnomalySpan> anomalies() {
    return List.of(new AnomalySpan("an-7", "PORT_SCAN", new EdgeEnd("shop", "Deployment", "web", NetworkClass.POD), null, null,
        T0.plusSeconds(60 * 30), T0.plusSeconds(60 * 30 + 45)));
  }

  static Recommendation recommendation(RecommendOptions options) {
    return PolicyRecommender.recommend(history(), inventory(), anomalies(), options);
  }

  @Test
  void eachWorkloadGetsAnIngressPolicyFromExactlyItsCallersOnTheirPorts() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.policies()).extracting(NetworkPolicy::id).containsExactly(
        "kube-system/flowtel-coredns-ingress", "payments/flowtel-billing-ingress", "shop/flowtel-api-egress",
        "shop/flowtel-api-ingress", "shop/flowtel-web-egress", "shop/flowtel-web-ingress");
    assertThat(r.policy("shop/flowtel-api-ingress")).isEqualTo(new NetworkPolicy("shop", "flowtel-api-ingress",
        LabelSelector.matchLabels(Map.of("app", "api")), Set.of(PolicyType.Ingress),
        List.of(new PolicyRule(List.of(WEB), List.of(PolicyPort.named(Protocol.TCP, "http")))), List.of()));
    // Another namespace: its name label; a port without a name: its number.
    assertThat(r.policy("payments/flowtel-billing-ingress").ingress()).containsExactly(new PolicyRule(
        List.of(new PolicyPeer.Pods(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "shop")),
            LabelSelector.matchLabels(Map.of("app", "api")))), List.of(PolicyPort.number(Protocol.TCP, 8443))));
    assertThat(r.policy("kube-system/flowtel-coredns-ingress").ingress()).containsExactly(new PolicyRule(
        List.of(new PolicyPeer.Pods(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "shop")),
            LabelSelector.matchLabels(Map.of("app", "web")))), List.of(PolicyPort.named(Protocol.UDP, "dns"))));
    // Five internet clients in one /24 fold into it; the sixth stays a /32.
    assertThat(r.policy("shop/flowtel-web-ingress").ingress()).containsExactly(new PolicyRule(
        List.of(PolicyPeer.IpBlock.of("198.51.100.0/24"), PolicyPeer.IpBlock.of("203.0.113.9/32")),
        List.of(PolicyPort.named(Protocol.TCP, "http"))));
  }

  @Test
  void eachWorkloadGetsAnEgressPolicyWithDnsFirstThenItsDestinations() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.policy("shop/flowtel-web-egress").egress()).containsExactly(
        new PolicyRule(List.of(DNS), DNS_PORTS),
        new PolicyRule(List.of(PolicyPeer.Pods.inPolicyNamespace(LabelSelector.matchLabels(Map.of("app", "api")))),
            List.of(PolicyPort.named(Protocol.TCP, "http"))));
    assertThat(r.policy("shop/flowtel-api-egress").egress()).containsExactly(
        new PolicyRule(List.of(DNS), DNS_PORTS),
        new PolicyRule(List.of(PolicyPeer.IpBlock.of("10.0.0.0/8"), PolicyPeer.IpBlock.of("172.16.0.0/12"),
            PolicyPeer.IpBlock.of("192.168.0.0/16")), List.of(PolicyPort.number(Protocol.TCP, 5432))),
        new PolicyRule(List.of(PolicyPeer.IpBlock.of("52.94.236.248/32")), List.of(PolicyPort.number(Protocol.TCP, 443))),
        new PolicyRule(List.of(new PolicyPeer.Pods(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "payments")),
            LabelSelector.matchLabels(Map.of("app", "billing")))), List.of(PolicyPort.number(Protocol.TCP, 8443))));
    assertThat(r.policy("shop/flowtel-api-egress").policyTypes()).containsExactly(PolicyType.Egress);
  }

  @Test
  void everyRuleCarriesItsEvidence() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.evidence("shop/flowtel-api-ingress", PolicyType.Ingress, 0)).isEqualTo(new RuleEvidence(
        "shop/flowtel-api-ingress", PolicyType.Ingress, 0, 100, 50_000, T0, T0.plusSeconds(7200),
        List.of("shop/Deployment/web"), null));
    assertThat(r.evidence("shop/flowtel-web-egress", PolicyType.Egress, 0)).isEqualTo(new RuleEvidence(
        "shop/flowtel-web-egress", PolicyType.Egress, 0, 50, 4_000, T0, T0.plusSeconds(119 * 60),
        List.of("kube-system/Service/kube-dns"), null));
    RuleEvidence unseenDns = r.evidence("shop/flowtel-api-egress", PolicyType.Egress, 0);
    assertThat(unseenDns.flows()).isZero();
    assertThat(unseenDns.firstSeen()).isNull();
    assertThat(unseenDns.note()).startsWith("added to every egress policy");
    assertThat(r.evidence("shop/flowtel-web-ingress", PolicyType.Ingress, 0).samplePeers())
        .containsExactly("198.51.100.10", "198.51.100.17", "198.51.100.24", "198.51.100.31", "198.51.100.38");
    assertThat(r.annotations("shop/flowtel-api-ingress")).containsExactly(Map.entry(Recommendation.EVIDENCE_ANNOTATION,
        "[{\"direction\":\"ingress\",\"rule\":0,\"flows\":100,\"bytes\":50000,\"firstSeen\":\"2025-03-03T10:00:00Z\","
            + "\"lastSeen\":\"2025-03-03T12:00:00Z\",\"samplePeers\":[\"shop/Deployment/web\"]}]"));
  }

  @Test
  void anIpBlockRuleCitesTheNamesItsAddressesWereResolvedFor() {
    // The SaaS api resolved to three addresses in one /24 (a CDN), and the bucket to a fourth; one address unnamed.
    ObservedEdge saas = named(seen("shop/Deployment/api>-/External/PUBLIC:443/6", 7, 70_000, 1, 2, "52.94.236.248",
            "203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13", "198.51.100.99"),
        Map.of("52.94.236.248", "bucket.s3.amazonaws.com", "203.0.113.10", "api.example.com",
            "203.0.113.11", "api.example.com", "203.0.113.12", "api.example.com", "203.0.113.13", "api.example.com"));
    List<ObservedEdge> history = history().stream()
        .map(e -> e.edge().equals(saas.edge()) ? saas : e).toList();
    Recommendation r = PolicyRecommender.recommend(history, inventory(), anomalies(), RecommendOptions.defaults());

    RuleEvidence external = r.evidence("shop/flowtel-api-egress", PolicyType.Egress, 2);
    assertThat(r.policy("shop/flowtel-api-egress").egress().get(2).peers()).contains(PolicyPeer.IpBlock.of("52.94.236.248/32"));
    assertThat(external.samplePeers()).containsExactly("api.example.com (203.0.113.10, 203.0.113.11, 203.0.113.12, +1 more)",
        "bucket.s3.amazonaws.com (52.94.236.248)", "198.51.100.99");
    assertThat(r.annotations("shop/flowtel-api-egress").get(Recommendation.EVIDENCE_ANNOTATION))
        .contains("\"samplePeers\":[\"api.example.com (203.0.113.10, 203.0.113.11, 203.0.113.12, +1 more)\","
            + "\"bucket.s3.amazonaws.com (52.94.236.248)\",\"198.51.100.99\"]");
    assertThat(r.report()).contains("shop/flowtel-api-egress egress[2]: 7 flows, 70000 bytes, 2025-03-03T10:01:00Z .. "
        + "2025-03-03T10:02:00Z, peers api.example.com (203.0.113.10, 203.0.113.11, 203.0.113.12, +1 more), "
        + "bucket.s3.amazonaws.com (52.94.236.248), 198.51.100.99\n");
  }

  @Test
  void moreNamesThanTheSampleLimitShowTheFirstNamesInOrder() {
    ObservedEdge saas = named(seen("shop/Deployment/api>-/External/PUBLIC:443/6", 7, 70_000, 1, 2, "203.0.113.1",
            "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5", "203.0.113.6"),
        Map.of("203.0.113.1", "f.example.com", "203.0.113.2", "e.example.com", "203.0.113.3", "d.example.com",
            "203.0.113.4", "c.example.com", "203.0.113.5", "b.example.com", "203.0.113.6", "a.example.com"));
    List<ObservedEdge> history = history().stream().map(e -> e.edge().equals(saas.edge()) ? saas : e).toList();
    Recommendation r = PolicyRecommender.recommend(history, inventory(), anomalies(), RecommendOptions.defaults());

    assertThat(r.evidence("shop/flowtel-api-egress", PolicyType.Egress, 2).samplePeers()).containsExactly(
        "a.example.com (203.0.113.6)", "b.example.com (203.0.113.5)", "c.example.com (203.0.113.4)",
        "d.example.com (203.0.113.3)", "e.example.com (203.0.113.2)");
  }

  @Test
  void withoutNamesTheSamplesAreTheAddresses() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.evidence("shop/flowtel-api-egress", PolicyType.Egress, 2).samplePeers()).containsExactly("52.94.236.248");
  }

  /** The edge with the names its flows gave its addresses. */
  private static ObservedEdge named(ObservedEdge e, Map<String, String> domains) {
    Map<IpAddress, String> byAddress = new java.util.HashMap<>();
    domains.forEach((address, name) -> byAddress.put(IpAddress.parse(address), name));
    return new ObservedEdge(e.edge(), e.flows(), e.bytes(), e.connectionsOpened(), e.failedAttempts(), e.drops(),
        e.firstSeen(), e.lastSeen(), e.externalAddresses(), byAddress);
  }

  @Test
  void theAddressesOfAnAggregateAreUnknownSoTheClassRangesAreABroadRule() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.broadRules()).hasSize(1);
    BroadRule broad = r.broadRules().get(0);
    assertThat(broad.policy()).isEqualTo("shop/flowtel-api-egress");
    assertThat(broad.rule()).isEqualTo(1);
    assertThat(broad.why()).startsWith("every PRIVATE address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
  }

  @Test
  void whatNoRuleAllowsIsListedWithItsReason() {
    Recommendation r = recommendation(RecommendOptions.defaults());
    assertThat(r.skipped()).extracting(s -> s.reason() + " " + s.observed().edge().key() + ": " + s.detail()).containsExactly(
        "NOT_EXPRESSIBLE -/Node/node-1>shop/Service/api:8080/6: node node-1 without addresses (aggregates do not carry"
            + " them): no ipBlock can name it",
        "NOT_EXPRESSIBLE shop/Deployment/api>shop/Service/api:9090/1: IP protocol 1: NetworkPolicy ports name TCP, UDP and SCTP only",
        "UNKNOWN_END shop/Deployment/ghost>shop/Service/api:8080/6: Deployment shop/ghost is not in the inventory: its labels"
            + " are unknown",
        "DURING_ANOMALY shop/Deployment/web>payments/Deployment/billing:22/6: seen only during anomaly an-7 (PORT_SCAN,"
            + " 2025-03-03T10:30:00Z .. 2025-03-03T10:30:45Z)",
        "NOT_ESTABLISHED shop/Deployment/web>shop/Deployment/api:9999/6: 3 flows, 3 failed attempts, 0 drops and no"
            + " connection opened");
  }

  @Test
  void defaultDenyAddsOnePolicyPerNamespaceWithWorkloads() {
    Recommendation r = recommendation(RecommendOptions.defaults().withDefaultDeny(true));
    assertThat(r.policies()).filteredOn(p -> p.name().equals("default-deny")).containsExactly(
        new NetworkPolicy("kube-system", "default-deny", LabelSelector.EVERYTHING, Set.of(PolicyType.Ingress, PolicyType.Egress),
            List.of(), List.of()),
        new NetworkPolicy("payments", "default-deny", LabelSelector.EVERYTHING, Set.of(PolicyType.Ingress, PolicyType.Egress),
            List.of(), List.of()),
        new NetworkPolicy("shop", "default-deny", LabelSelector.EVERYTHING, Set.of(PolicyType.Ingress, PolicyType.Egress),
            List.of(), List.of()));
  }

  @Test
  void withoutDnsForEveryEgressPolicyOnlyWorkloadsSeenResolvingGetIt() {
    Recommendation r = recommendation(RecommendOptions.defaults().withDnsForEveryEgressPolicy(false));
    assertThat(r.policy("shop/flowtel-web-egress").egress().get(0).peers()).containsExactly(DNS);
    assertThat(r.policy("shop/flowtel-api-egress").egress()).extracting(PolicyRule::peers).doesNotContain(List.of(DNS));
  }

  @Test
  void filesArePerWorkloadOrPerNamespace() {
    assertThat(recommendation(RecommendOptions.defaults()).files().keySet()).containsExactly(
        "kube-system/deployment-coredns.yaml", "payments/deployment-billing.yaml", "shop/deployment-api.yaml",
        "shop/deployment-web.yaml");
    assertThat(recommendation(RecommendOptions.defaults().withPerNamespace(true)).files().keySet()).containsExactly(
        "kube-system.yaml", "payments.yaml", "shop.yaml");
  }
}
