package dev.flowtel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.policy.DirectionVerdict.Outcome;
import dev.flowtel.core.policy.PolicyPeer.Pods;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kubernetes NetworkPolicy semantics, one rule of the API at a time, with the explanations. */
class PolicyEngineTest {

  private static final NamespaceInfo SHOP = new NamespaceInfo("shop", Map.of("team", "payments"));
  private static final NamespaceInfo MONITORING = new NamespaceInfo("monitoring", Map.of("purpose", "observability"));

  private static final PodInfo FRONTEND = PodInfo.of("shop", "frontend-1", Map.of("app", "frontend"), "10.1.0.10");
  private static final PodInfo CHECKOUT = PodInfo.of("shop", "checkout-0", Map.of("app", "checkout"), "10.1.0.20")
      .withNamedPorts(Map.of("http", new ContainerPort("http", 8080, Protocol.TCP),
          "metrics", new ContainerPort("metrics", 9090, Protocol.TCP)));
  private static final PodInfo PROMETHEUS = PodInfo.of("monitoring", "prometheus-0", Map.of("app", "prometheus"), "10.2.0.5");
  private static final ExternalPeer INTERNET = ExternalPeer.of("203.0.113.7");

  private static final LabelSelector CHECKOUT_PODS = LabelSelector.matchLabels(Map.of("app", "checkout"));
  private static final LabelSelector FRONTEND_PODS = LabelSelector.matchLabels(Map.of("app", "frontend"));

  private static PolicyEngine engine(NetworkPolicy... policies) {
    return PolicyEngine.of(PolicySet.of(List.of(SHOP, MONITORING), List.of(policies)));
  }

  @Test
  void withoutPoliciesEverythingIsAllowedAndSaysSo() {
    PolicyVerdict verdict = engine().evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 8080);
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.egress().outcome()).isEqualTo(Outcome.NOT_ISOLATED);
    assertThat(verdict.explain()).isEqualTo("allowed: egress from shop/frontend-1 allowed: no policy selects it for Egress; "
        + "ingress to shop/checkout-0 allowed: no policy selects it for Ingress");
  }

  @Test
  void aDeniedConnectionNamesTheIsolatingPolicies() {
    NetworkPolicy denyAll = NetworkPolicy.of("shop", "default-deny", LabelSelector.EVERYTHING, null, List.of(), List.of());
    PolicyVerdict verdict = engine(denyAll).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 8080);
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.ingress().isolatingPolicies()).containsExactly("shop/default-deny");
    assertThat(verdict.explain()).isEqualTo("denied at ingress: egress from shop/frontend-1 allowed: no policy selects it"
        + " for Egress; ingress to shop/checkout-0 denied: isolated by shop/default-deny and no ingress rule allows"
        + " shop/frontend-1 on TCP/8080");
  }

  @Test
  void allowsAreAUnionAndEveryAllowingRuleIsListed() {
    NetworkPolicy denyAll = NetworkPolicy.of("shop", "default-deny", LabelSelector.EVERYTHING, null, List.of(), List.of());
    NetworkPolicy fromFrontend = NetworkPolicy.of("shop", "checkout-from-frontend", CHECKOUT_PODS, null,
        List.of(PolicyRule.peers(Pods.inPolicyNamespace(LabelSelector.matchLabels(Map.of("app", "nothing")))),
            PolicyRule.peers(Pods.inPolicyNamespace(FRONTEND_PODS)).withPorts(PolicyPort.number(Protocol.TCP, 8080))),
        List.of());
    NetworkPolicy fromShop = NetworkPolicy.of("shop", "checkout-from-shop", CHECKOUT_PODS, null,
        List.of(PolicyRule.peers(Pods.inNamespaces(LabelSelector.matchLabels(Map.of("team", "payments"))))), List.of());
    PolicyVerdict verdict = engine(denyAll, fromFrontend, fromShop).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 8080);
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.ingress().isolatingPolicies())
        .containsExactly("shop/checkout-from-frontend", "shop/checkout-from-shop", "shop/default-deny");
    assertThat(verdict.ingress().allowingRules()).containsExactly(
        new RuleRef("shop/checkout-from-frontend", PolicyType.Ingress, 1),
        new RuleRef("shop/checkout-from-shop", PolicyType.Ingress, 0));
    assertThat(verdict.ingress().explain())
        .isEqualTo("ingress to shop/checkout-0 allowed by shop/checkout-from-frontend ingress[1], shop/checkout-from-shop ingress[0]");
  }

  @Test
  void policyTypesDefaultToIngressPlusEgressWhenEgressRulesExist() {
    NetworkPolicy ingressOnly = NetworkPolicy.of("shop", "p", LabelSelector.EVERYTHING, null, List.of(), List.of());
    NetworkPolicy withEgress = NetworkPolicy.of("shop", "p", LabelSelector.EVERYTHING, null, List.of(),
        List.of(PolicyRule.ALLOW_ALL));
    NetworkPolicy emptyTypes = NetworkPolicy.of("shop", "p", LabelSelector.EVERYTHING, List.of(), List.of(), List.of());
    NetworkPolicy egressOnly = NetworkPolicy.of("shop", "p", LabelSelector.EVERYTHING, List.of(PolicyType.Egress),
        List.of(), List.of());
    assertThat(ingressOnly.policyTypes()).containsExactly(PolicyType.Ingress);
    assertThat(withEgress.policyTypes()).containsExactlyInAnyOrder(PolicyType.Ingress, PolicyType.Egress);
    assertThat(emptyTypes.policyTypes()).containsExactly(PolicyType.Ingress);
    assertThat(egressOnly.policyTypes()).containsExactly(PolicyType.Egress);
  }

  @Test
  void anEgressOnlyPolicyLeavesIngressOpenAndIgnoresItsIngressRules() {
    NetworkPolicy egressOnly = NetworkPolicy.of("shop", "egress-only", FRONTEND_PODS, List.of(PolicyType.Egress),
        List.of(PolicyRule.peers(Pods.inPolicyNamespace(CHECKOUT_PODS))), List.of());
    PolicyEngine engine = engine(egressOnly);
    assertThat(engine.evaluate(PROMETHEUS, FRONTEND, Protocol.TCP, 80).ingress().outcome()).isEqualTo(Outcome.NOT_ISOLATED);
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 80).egress().outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void emptyRuleListsDenyButAnEmptyRuleAllowsEverything() {
    NetworkPolicy noRules = NetworkPolicy.of("shop", "none", CHECKOUT_PODS, List.of(PolicyType.Ingress), List.of(), List.of());
    NetworkPolicy emptyRule = NetworkPolicy.of("shop", "all", CHECKOUT_PODS, List.of(PolicyType.Ingress),
        List.of(PolicyRule.ALLOW_ALL), List.of());
    assertThat(engine(noRules).evaluate(INTERNET, CHECKOUT, Protocol.UDP, 53).allowed()).isFalse();
    assertThat(engine(emptyRule).evaluate(INTERNET, CHECKOUT, Protocol.UDP, 53).allowed()).isTrue();
    assertThat(engine(emptyRule).evaluate(PROMETHEUS, CHECKOUT, Protocol.SCTP, 9).allowed()).isTrue();
  }

  @Test
  void aPeerWithoutNamespaceSelectorMeansThePolicyNamespace() {
    NetworkPolicy fromFrontends = NetworkPolicy.of("shop", "p", CHECKOUT_PODS, null,
        List.of(PolicyRule.peers(Pods.inPolicyNamespace(LabelSelector.EVERYTHING))), List.of());
    PodInfo frontendElsewhere = PodInfo.of("monitoring", "frontend-2", Map.of("app", "frontend"), "10.2.0.9");
    assertThat(engine(fromFrontends).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 80).allowed()).isTrue();
    assertThat(engine(fromFrontends).evaluate(frontendElsewhere, CHECKOUT, Protocol.TCP, 80).allowed()).isFalse();
  }

  @Test
  void namespaceAndPodSelectorInOnePeerMustBothMatch() {
    NetworkPolicy policy = NetworkPolicy.of("shop", "scrape", CHECKOUT_PODS, null, List.of(PolicyRule.peers(
        new Pods(LabelSelector.matchLabels(Map.of("purpose", "observability")), LabelSelector.matchLabels(Map.of("app", "prometheus"))))),
        List.of());
    PodInfo grafana = PodInfo.of("monitoring", "grafana-0", Map.of("app", "grafana"), "10.2.0.6");
    PodInfo prometheusInShop = PodInfo.of("shop", "prometheus-1", Map.of("app", "prometheus"), "10.1.0.99");
    assertThat(engine(policy).evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, 9090).allowed()).isTrue();
    assertThat(engine(policy).evaluate(grafana, CHECKOUT, Protocol.TCP, 9090).allowed()).isFalse();
    assertThat(engine(policy).evaluate(prometheusInShop, CHECKOUT, Protocol.TCP, 9090).allowed()).isFalse();
  }

  @Test
  void selectorsNeverMatchExternalAddressesButIpBlocksMatchPodsToo() {
    NetworkPolicy anyPod = NetworkPolicy.of("shop", "any-pod", CHECKOUT_PODS, null,
        List.of(PolicyRule.peers(new Pods(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING))), List.of());
    NetworkPolicy podCidr = NetworkPolicy.of("shop", "pod-cidr", CHECKOUT_PODS, null,
        List.of(PolicyRule.peers(PolicyPeer.IpBlock.of("10.0.0.0/8"))), List.of());
    assertThat(engine(anyPod).evaluate(INTERNET, CHECKOUT, Protocol.TCP, 8080).allowed()).isFalse();
    assertThat(engine(anyPod).evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, 8080).allowed()).isTrue();
    assertThat(engine(podCidr).evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, 8080).allowed()).isTrue();
    assertThat(engine(podCidr).evaluate(ExternalPeer.of("10.200.0.1"), CHECKOUT, Protocol.TCP, 8080).allowed()).isTrue();
    assertThat(engine(podCidr).evaluate(INTERNET, CHECKOUT, Protocol.TCP, 8080).allowed()).isFalse();
  }

  @Test
  void egressToTheInternetExceptPrivateRangesWithIpv6() {
    NetworkPolicy policy = NetworkPolicy.of("shop", "internet-only", FRONTEND_PODS, List.of(PolicyType.Egress), List.of(),
        List.of(PolicyRule.peers(PolicyPeer.IpBlock.of("0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"),
            PolicyPeer.IpBlock.of("::/0", "fd00::/8"))));
    PolicyEngine engine = engine(policy);
    assertThat(engine.evaluate(FRONTEND, INTERNET, Protocol.TCP, 443).allowed()).isTrue();
    assertThat(engine.evaluate(FRONTEND, ExternalPeer.of("192.168.1.1"), Protocol.TCP, 443).allowed()).isFalse();
    assertThat(engine.evaluate(FRONTEND, ExternalPeer.of("2001:db8::1"), Protocol.TCP, 443).allowed()).isTrue();
    assertThat(engine.evaluate(FRONTEND, ExternalPeer.of("fd00::1"), Protocol.TCP, 443).allowed()).isFalse();
    PolicyVerdict toCheckout = engine.evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 8080);
    assertThat(toCheckout.explain()).isEqualTo("denied at egress: egress from shop/frontend-1 denied: isolated by"
        + " shop/internet-only and no egress rule allows shop/checkout-0 on TCP/8080; ingress to shop/checkout-0 allowed:"
        + " no policy selects it for Ingress");
  }

  @Test
  void externalEndsAreNotSubjectToPolicy() {
    NetworkPolicy denyAll = NetworkPolicy.of("shop", "deny", LabelSelector.EVERYTHING, List.of(PolicyType.Ingress, PolicyType.Egress),
        List.of(), List.of());
    PolicyVerdict verdict = engine(denyAll).evaluate(INTERNET, ExternalPeer.of("198.51.100.1"), Protocol.TCP, 80);
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.egress().explain()).isEqualTo("egress from 203.0.113.7: not a pod of the cluster, no policy applies");
  }

  @Test
  void hostNetworkPodsAreNeitherIsolatedNorSelected() {
    PodInfo nodeAgent = new PodInfo("shop", "agent-x", Map.of("app", "checkout"), IpAddress.parse("192.168.0.4"), Map.of(), true);
    NetworkPolicy policy = NetworkPolicy.of("shop", "deny", LabelSelector.EVERYTHING, null,
        List.of(PolicyRule.peers(Pods.inPolicyNamespace(CHECKOUT_PODS))), List.of());
    PolicyVerdict toAgent = engine(policy).evaluate(FRONTEND, nodeAgent, Protocol.TCP, 80);
    assertThat(toAgent.ingress().outcome()).isEqualTo(Outcome.HOST_NETWORK);
    assertThat(engine(policy).evaluate(nodeAgent, FRONTEND, Protocol.TCP, 80).allowed()).isFalse();
  }

  @Test
  void namedPortsResolveAgainstTheDestinationPodWithItsProtocol() {
    NetworkPolicy metricsOnly = NetworkPolicy.of("shop", "metrics", CHECKOUT_PODS, null,
        List.of(PolicyRule.ports(PolicyPort.named(Protocol.TCP, "metrics"))), List.of());
    PolicyEngine engine = engine(metricsOnly);
    assertThat(engine.evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, 9090).allowed()).isTrue();
    assertThat(engine.evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, 8080).allowed()).isFalse();
    assertThat(engine.evaluate(PROMETHEUS, CHECKOUT, Protocol.UDP, 9090).allowed()).isFalse();
    assertThat(engine.evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, "metrics").allowed()).isTrue();
    assertThatThrownBy(() -> engine.evaluate(PROMETHEUS, CHECKOUT, Protocol.TCP, "grpc"))
        .hasMessage("shop/checkout-0 has no container port named \"grpc\" (it has http, metrics)");
    assertThatThrownBy(() -> engine.evaluate(PROMETHEUS, INTERNET, Protocol.TCP, "http"))
        .hasMessage("port \"http\" is a name, but 203.0.113.7 is not a pod; give a number");
  }

  @Test
  void aNamedPortInAnEgressRuleIsTheDestinationsPort() {
    NetworkPolicy toHttp = NetworkPolicy.of("shop", "to-http", FRONTEND_PODS, List.of(PolicyType.Egress), List.of(),
        List.of(PolicyRule.ports(PolicyPort.named(Protocol.TCP, "http"))));
    assertThat(engine(toHttp).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 8080).allowed()).isTrue();
    // An external destination has no named ports.
    assertThat(engine(toHttp).evaluate(FRONTEND, INTERNET, Protocol.TCP, 8080).allowed()).isFalse();
  }

  @Test
  void protocolDefaultsAndEndPortBounds() {
    NetworkPolicy range = NetworkPolicy.of("shop", "range", CHECKOUT_PODS, null,
        List.of(PolicyRule.ports(PolicyPort.range(Protocol.UDP, 30000, 30100))), List.of());
    PolicyEngine engine = engine(range);
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.UDP, 29999).allowed()).isFalse();
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.UDP, 30000).allowed()).isTrue();
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.UDP, 30100).allowed()).isTrue();
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.UDP, 30101).allowed()).isFalse();
    assertThat(engine.evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 30050).allowed()).isFalse();
  }

  @Test
  void aPolicyInAnotherNamespaceDoesNotSelectThePod() {
    NetworkPolicy elsewhere = NetworkPolicy.of("monitoring", "deny", LabelSelector.EVERYTHING, null, List.of(), List.of());
    assertThat(engine(elsewhere).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 80).allowed()).isTrue();
    assertThat(engine(elsewhere).evaluate(FRONTEND, PROMETHEUS, Protocol.TCP, 80).allowed()).isFalse();
  }

  @Test
  void unknownNamespacesStillCarryTheirNameLabel() {
    NetworkPolicy fromBatch = NetworkPolicy.of("shop", "from-batch", CHECKOUT_PODS, null, List.of(PolicyRule.peers(
        Pods.inNamespaces(LabelSelector.matchLabels(Map.of(NamespaceInfo.NAME_LABEL, "batch"))))), List.of());
    PodInfo job = PodInfo.of("batch", "job-1", Map.of(), "10.3.0.1");
    assertThat(engine(fromBatch).evaluate(job, CHECKOUT, Protocol.TCP, 80).allowed()).isTrue();
  }

  @Test
  void aPolicySetChangesOneObjectAtATime() {
    NetworkPolicy deny = NetworkPolicy.of("shop", "deny", LabelSelector.EVERYTHING, null, List.of(), List.of());
    PolicySet set = PolicySet.empty().withNamespace(SHOP).withPolicy(deny);
    assertThat(PolicyEngine.of(set).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 80).allowed()).isFalse();
    assertThat(PolicyEngine.of(set.withoutPolicy("shop", "deny")).evaluate(FRONTEND, CHECKOUT, Protocol.TCP, 80).allowed())
        .isTrue();
    assertThat(set.namespaceLabels("shop")).containsEntry("team", "payments").containsEntry(NamespaceInfo.NAME_LABEL, "shop");
    assertThat(set.withoutNamespace("shop").namespaceLabels("shop")).isEqualTo(Map.of(NamespaceInfo.NAME_LABEL, "shop"));
  }

  @Test
  void invalidPolicyPartsAreRefusedWithReasons() {
    assertThatThrownBy(() -> PolicyPort.range(Protocol.TCP, 90, 80)).hasMessage("endPort 80 needs a numeric port no greater than it (port is 90)");
    assertThatThrownBy(() -> LabelSelector.Requirement.in("app")).hasMessage("operator In needs at least one value");
    assertThatThrownBy(() -> new LabelSelector.Requirement("app", LabelSelector.Operator.Exists, Set.of("x")))
        .hasMessage("operator Exists takes no values");
    assertThatThrownBy(() -> Protocol.parse("ICMP")).hasMessage("protocol \"ICMP\" is not TCP, UDP or SCTP");
  }
}
