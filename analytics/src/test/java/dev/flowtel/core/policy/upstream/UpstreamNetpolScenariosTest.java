package dev.flowtel.core.policy.upstream;

import static dev.flowtel.core.policy.upstream.NetpolModel.ALL_ALLOWED;
import static dev.flowtel.core.policy.upstream.NetpolModel.egress;
import static dev.flowtel.core.policy.upstream.NetpolModel.ingress;
import static dev.flowtel.core.policy.upstream.NetpolModel.matrix;
import static dev.flowtel.core.policy.upstream.NetpolModel.namespaceNamed;
import static dev.flowtel.core.policy.upstream.NetpolModel.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.LabelSelector.Requirement;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPeer.Pods;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scenarios of the upstream Kubernetes e2e suite (test/e2e/network/netpol/network_policy.go,
 * "Netpol NetworkPolicy between server and client"), translated into reachability matrices over
 * the full x/y/z by a/b/c model. Upstream probes a subset of the nine pods and ignores loopback;
 * here every pair is judged, x/a to x/a included, and the matrices are written out whole.
 *
 * <p>Rows are sources, columns destinations, both in the order x/a x/b x/c | y/a y/b y/c | z/a z/b z/c;
 * {@code .} is allowed, {@code X} denied.
 */
class UpstreamNetpolScenariosTest {

  private final NetpolModel model = new NetpolModel();

  private static final String X_INGRESS_DENIED = matrix("""
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      XXX ... ...
      """);

  private static final String XA_INGRESS_DENIED = matrix("""
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      """);

  private static final String XA_ONLY_FROM_XB = matrix("""
      X.. ... ...
      ... ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      """);

  private static final String XA_ONLY_FROM_NAMESPACE_Y = matrix("""
      X.. ... ...
      X.. ... ...
      X.. ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      X.. ... ...
      X.. ... ...
      X.. ... ...
      """);

  private static final String X_EGRESS_DENIED = matrix("""
      XXX XXX XXX
      XXX XXX XXX
      XXX XXX XXX
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      """);

  private static final String XA_EGRESS_DENIED = matrix("""
      XXX XXX XXX
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      """);

  private String tcp(int port, NetworkPolicy... policies) {
    return model.reachability(List.of(policies), Protocol.TCP, port);
  }

  private static NetworkPolicy denyIngress(String namespace, String name, LabelSelector target) {
    return ingress(namespace, name, target);
  }

  @Test
  void defaultDenyIngress() {
    assertThat(tcp(80, denyIngress("x", "deny-ingress", LabelSelector.EVERYTHING))).isEqualTo(X_INGRESS_DENIED);
  }

  @Test
  void defaultDenyIngressOverUdpAndSctp() {
    List<NetworkPolicy> policies = List.of(denyIngress("x", "deny-all", LabelSelector.EVERYTHING));
    assertThat(model.reachability(policies, Protocol.UDP, 80)).isEqualTo(X_INGRESS_DENIED);
    assertThat(model.reachability(policies, Protocol.SCTP, 80)).isEqualTo(X_INGRESS_DENIED);
  }

  @Test
  void defaultDenyAll() {
    NetworkPolicy denyAll = new NetworkPolicy("x", "deny-all", LabelSelector.EVERYTHING,
        Set.of(PolicyType.Ingress, PolicyType.Egress), List.of(), List.of());
    assertThat(tcp(80, denyAll)).isEqualTo(matrix("""
        XXX XXX XXX
        XXX XXX XXX
        XXX XXX XXX
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        """));
  }

  @Test
  void allowTrafficFromPodsWithinServerNamespaceByPodSelector() {
    assertThat(tcp(80, ingress("x", "x-a-allows-x-b", pod("a"), PolicyRule.peers(Pods.inPolicyNamespace(pod("b"))))))
        .isEqualTo(XA_ONLY_FROM_XB);
  }

  @Test
  void allowIngressTrafficForATargetOverADenyAll() {
    NetworkPolicy allowAllToA = ingress("x", "allow-all-to-a", pod("a"),
        PolicyRule.peers(new Pods(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING)));
    assertThat(tcp(80, denyIngress("x", "deny-all", LabelSelector.EVERYTHING), allowAllToA)).isEqualTo(matrix("""
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        """));
  }

  @Test
  void allowIngressFromPodsInAllNamespaces() {
    assertThat(tcp(80, ingress("x", "allow-from-another-ns", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(LabelSelector.EVERYTHING))))).isEqualTo(ALL_ALLOWED);
  }

  @Test
  void allowTrafficOnlyFromADifferentNamespaceByNamespaceSelector() {
    assertThat(tcp(80, ingress("x", "allow-client-a-via-ns-selector", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y")))))).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
  }

  @Test
  void podSelectorWithMatchExpressions() {
    LabelSelector podInB = LabelSelector.of(Map.of(), Requirement.in("pod", "b"));
    assertThat(tcp(80, ingress("x", "x-a-allows-x-b", pod("a"), PolicyRule.peers(Pods.inPolicyNamespace(podInB)))))
        .isEqualTo(XA_ONLY_FROM_XB);
  }

  @Test
  void namespaceSelectorWithMatchExpressions() {
    LabelSelector inY = LabelSelector.of(Map.of(), Requirement.in(NamespaceInfo.NAME_LABEL, "y"));
    assertThat(tcp(80, ingress("x", "allow-ns-y-match-selector", pod("a"), PolicyRule.peers(Pods.inNamespaces(inY)))))
        .isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
  }

  @Test
  void podSelectorOrNamespaceSelectorAsTwoPeers() {
    LabelSelector notX = LabelSelector.of(Map.of(), Requirement.notIn(NamespaceInfo.NAME_LABEL, "x"));
    assertThat(tcp(80, ingress("x", "allow-ns-y-match-selector", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(notX), Pods.inPolicyNamespace(pod("b")))))).isEqualTo(matrix("""
        X.. ... ...
        ... ... ...
        X.. ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        """));
  }

  @Test
  void podSelectorAndNamespaceSelectorInOnePeer() {
    LabelSelector notX = LabelSelector.of(Map.of(), Requirement.notIn(NamespaceInfo.NAME_LABEL, "x"));
    assertThat(tcp(80, ingress("x", "allow-ns-y-podselector-and-nsselector", pod("a"),
        PolicyRule.peers(new Pods(notX, pod("b")))))).isEqualTo(matrix("""
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        ... ... ...
        X.. ... ...
        X.. ... ...
        ... ... ...
        X.. ... ...
        """));
  }

  @Test
  void multiplePodSelectorsAndNamespaceSelectors() {
    LabelSelector notX = LabelSelector.of(Map.of(), Requirement.notIn(NamespaceInfo.NAME_LABEL, "x"));
    LabelSelector bOrC = LabelSelector.of(Map.of(), Requirement.in("pod", "b", "c"));
    assertThat(tcp(80, ingress("x", "allow-ns-y-z-pod-b-c", pod("a"), PolicyRule.peers(new Pods(notX, bOrC)))))
        .isEqualTo(matrix("""
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        ... ... ...
        ... ... ...
        X.. ... ...
        ... ... ...
        ... ... ...
        """));
  }

  @Test
  void anyOfSeveralPodSelectors() {
    assertThat(tcp(80, ingress("x", "allow-ns-x-pod-b-c", pod("a"),
        PolicyRule.peers(Pods.inPolicyNamespace(pod("b")), Pods.inPolicyNamespace(pod("c")))))).isEqualTo(matrix("""
        X.. ... ...
        ... ... ...
        ... ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        """));
  }

  @Test
  void allowOnlyFromAPodInADifferentNamespaceOverTcpUdpAndSctp() {
    List<NetworkPolicy> policies = List.of(ingress("x", "allow-ns-y-pod-a-via-namespace-pod-selector", pod("a"),
        PolicyRule.peers(new Pods(namespaceNamed("y"), pod("a")))));
    String onlyFromYa = matrix("""
        X.. ... ...
        X.. ... ...
        X.. ... ...
        ... ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        """);
    for (Protocol protocol : Protocol.values()) {
      assertThat(model.reachability(policies, protocol, 80)).as(protocol.name()).isEqualTo(onlyFromYa);
    }
  }

  @Test
  void ports() {
    NetworkPolicy allow81 = ingress("x", "allow-client-a-via-ns-selector", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.number(Protocol.TCP, 81)));
    assertThat(tcp(81, allow81)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    assertThat(tcp(80, allow81)).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void portsOverUdpAndSctp() {
    for (Protocol protocol : List.of(Protocol.UDP, Protocol.SCTP)) {
      List<NetworkPolicy> policies = List.of(ingress("x", "allow-ingress-on-port-81-ns-x", pod("a"),
          PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.number(protocol, 81))));
      assertThat(model.reachability(policies, protocol, 81)).as(protocol.name()).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    }
  }

  @Test
  void stackedPoliciesWithOverlappingPodSelectorsAreAUnion() {
    NetworkPolicy allow81 = ingress("x", "allow-client-a-via-ns-selector", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.number(Protocol.TCP, 81)));
    NetworkPolicy allow80 = ingress("x", "allow-client-a-via-ns-selector-80", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.number(Protocol.TCP, 80)));
    assertThat(tcp(80, allow81)).isEqualTo(XA_INGRESS_DENIED);
    assertThat(tcp(80, allow81, allow80)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    assertThat(tcp(81, allow81, allow80)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
  }

  @Test
  void allowAllPolicy() {
    NetworkPolicy allowAll = ingress("x", "allow-all", LabelSelector.EVERYTHING, PolicyRule.ALLOW_ALL);
    assertThat(tcp(80, allowAll)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(81, allowAll)).isEqualTo(ALL_ALLOWED);
  }

  @Test
  void ingressOnOneNamedPort() {
    NetworkPolicy only81 = ingress("x", "allow-all", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.named(Protocol.TCP, "serve-81-tcp")));
    assertThat(tcp(81, only81)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(80, only81)).isEqualTo(X_INGRESS_DENIED);
  }

  @Test
  void ingressFromNamespaceOnOneNamedPort() {
    NetworkPolicy policy = ingress("x", "allow-client-a-via-ns-selector-80", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.named(Protocol.TCP, "serve-80-tcp")));
    assertThat(tcp(80, policy)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    assertThat(tcp(81, policy)).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void egressOnOneNamedPort() {
    NetworkPolicy policy = egress("x", "allow-egress", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.named(Protocol.TCP, "serve-80-tcp")));
    assertThat(tcp(80, policy)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(81, policy)).isEqualTo(X_EGRESS_DENIED);
  }

  @Test
  void updatedPolicyFromAllowAllToDenyAll() {
    assertThat(tcp(81, ingress("x", "allow-all-mutate-to-deny-all", LabelSelector.EVERYTHING, PolicyRule.ALLOW_ALL)))
        .isEqualTo(ALL_ALLOWED);
    // The update sets ingress: [], which isolates and allows nothing.
    assertThat(tcp(81, ingress("x", "allow-all-mutate-to-deny-all", LabelSelector.EVERYTHING)))
        .isEqualTo(X_INGRESS_DENIED);
  }

  @Test
  void ingressFromUpdatedNamespace() {
    NetworkPolicy policy = ingress("x", "allow-client-a-via-ns-selector", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(LabelSelector.matchLabels(Map.of("ns2", "updated")))));
    assertThat(tcp(80, policy)).isEqualTo(XA_INGRESS_DENIED);
    model.labelNamespace("y", "ns2", "updated");
    assertThat(tcp(80, policy)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
  }

  @Test
  void ingressFromUpdatedPod() {
    NetworkPolicy policy = ingress("x", "allow-client-a-via-pod-selector", pod("a"),
        PolicyRule.peers(Pods.inPolicyNamespace(LabelSelector.matchLabels(Map.of("pod", "b", "pod2", "updated")))));
    assertThat(tcp(80, policy)).isEqualTo(XA_INGRESS_DENIED);
    model.labelPod("x/b", "pod2", "updated");
    assertThat(tcp(80, policy)).isEqualTo(XA_ONLY_FROM_XB);
  }

  @Test
  void denyIngressFromPodsInOtherNamespaces() {
    assertThat(tcp(80, ingress("x", "deny-empty-policy", LabelSelector.EVERYTHING,
        PolicyRule.peers(Pods.inPolicyNamespace(LabelSelector.EVERYTHING))))).isEqualTo(matrix("""
        ... ... ...
        ... ... ...
        ... ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        XXX ... ...
        """));
  }

  @Test
  void denyIngressToUpdatedPod() {
    NetworkPolicy policy = denyIngress("x", "deny-ingress-via-label-selector",
        LabelSelector.matchLabels(Map.of("target", "isolated")));
    assertThat(tcp(80, policy)).isEqualTo(ALL_ALLOWED);
    model.labelPod("x/a", "target", "isolated");
    assertThat(tcp(80, policy)).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void denyEgressFromPodsByPodSelector() {
    assertThat(tcp(80, egress("x", "deny-egress-pod-a", pod("a")))).isEqualTo(XA_EGRESS_DENIED);
  }

  @Test
  void denyEgressFromAllPodsInANamespace() {
    assertThat(tcp(80, egress("x", "deny-egress-ns-x", LabelSelector.EVERYTHING))).isEqualTo(X_EGRESS_DENIED);
  }

  @Test
  void ingressAndEgressSpecifiedTogether() {
    NetworkPolicy policy = new NetworkPolicy("x", "allow-client-a-via-pod-selector", pod("a"),
        Set.of(PolicyType.Ingress, PolicyType.Egress),
        List.of(PolicyRule.peers(Pods.inPolicyNamespace(pod("b")))),
        List.of(PolicyRule.ports(PolicyPort.number(Protocol.TCP, 80))));
    assertThat(tcp(80, policy)).isEqualTo(XA_ONLY_FROM_XB);
    assertThat(tcp(81, policy)).isEqualTo(matrix("""
        XXX XXX XXX
        ... ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        X.. ... ...
        """));
  }

  @Test
  void egressDeniedAtTheClientEvenWhenTheServerAllowsIt() {
    NetworkPolicy egressToYa = egress("x", "allow-to-ns-y-pod-a", pod("a"),
        PolicyRule.peers(new Pods(namespaceNamed("y"), pod("a"))));
    PolicyRule fromXa = PolicyRule.peers(new Pods(namespaceNamed("x"), pod("a")));
    NetworkPolicy ingressToYa = ingress("y", "allow-from-xa-on-ya-match-selector", pod("a"), fromXa);
    NetworkPolicy ingressToYb = ingress("y", "allow-from-xa-on-yb-match-selector", pod("b"), fromXa);
    assertThat(tcp(80, egressToYa, ingressToYa, ingressToYb)).isEqualTo(matrix("""
        XXX .XX XXX
        ... XX. ...
        ... XX. ...
        ... XX. ...
        ... XX. ...
        ... XX. ...
        ... XX. ...
        ... XX. ...
        ... XX. ...
        """));
  }

  @Test
  void egressToAServerInADifferentNamespaceByPodAndNamespaceSelector() {
    assertThat(tcp(80, egress("x", "allow-to-ns-y-pod-a", pod("a"), PolicyRule.peers(new Pods(namespaceNamed("y"), pod("a"))))))
        .isEqualTo(matrix("""
        XXX .XX XXX
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        """));
  }

  @Test
  void ingressAllowingAnyPortOnOneProtocol() {
    List<NetworkPolicy> policies = List.of(ingress("x", "allow-ingress-by-proto", pod("a"),
        PolicyRule.ports(PolicyPort.anyPort(Protocol.TCP))));
    assertThat(model.reachability(policies, Protocol.TCP, 80)).isEqualTo(ALL_ALLOWED);
    assertThat(model.reachability(policies, Protocol.UDP, 80)).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void ingressAllowAllTakesPrecedenceOverAPortRule() {
    NetworkPolicy only80 = ingress("x", "allow-ingress-port-80", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.number(Protocol.TCP, 80)));
    NetworkPolicy allowAll = ingress("x", "allow-ingress", LabelSelector.EVERYTHING, PolicyRule.ALLOW_ALL);
    assertThat(tcp(81, only80)).isEqualTo(X_INGRESS_DENIED);
    assertThat(tcp(81, only80, allowAll)).isEqualTo(ALL_ALLOWED);
  }

  @Test
  void egressAllowAllTakesPrecedenceOverAPortRule() {
    NetworkPolicy only80 = egress("x", "allow-egress-port-80", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.number(Protocol.TCP, 80)));
    NetworkPolicy allowAll = egress("x", "allow-egress", LabelSelector.EVERYTHING, PolicyRule.ALLOW_ALL);
    assertThat(tcp(81, only80)).isEqualTo(X_EGRESS_DENIED);
    assertThat(tcp(81, only80, allowAll)).isEqualTo(ALL_ALLOWED);
  }

  @Test
  void policiesStopApplyingOnceDeleted() {
    NetworkPolicy denyAll = new NetworkPolicy("x", "deny-all", LabelSelector.EVERYTHING,
        Set.of(PolicyType.Ingress, PolicyType.Egress), List.of(), List.of());
    assertThat(tcp(80, denyAll)).isNotEqualTo(ALL_ALLOWED);
    assertThat(tcp(80)).isEqualTo(ALL_ALLOWED);
  }

  @Test
  void egressToAServerInACidrBlock() {
    assertThat(tcp(80, egress("x", "allow-client-a-via-cidr-egress-rule", pod("a"),
        PolicyRule.peers(PolicyPeer.IpBlock.of("10.0.2.2/32"))))).isEqualTo(matrix("""
        XXX X.X XXX
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        """));
  }

  private static final String XA_TO_XB_DENIED = matrix("""
      .X. ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      """);

  @Test
  void exceptClauseOfAnEgressCidrBlock() {
    assertThat(tcp(80, egress("x", "allow-client-a-via-cidr-egress-rule", pod("a"),
        PolicyRule.peers(PolicyPeer.IpBlock.of("10.0.0.0/16", "10.0.1.2/32"))))).isEqualTo(XA_TO_XB_DENIED);
  }

  @Test
  void anAddressInBothCidrAndExceptIsAllowedByAnotherPolicy() {
    NetworkPolicy wide = egress("x", "allow-client-a-via-cidr-egress-rule", pod("a"),
        PolicyRule.peers(PolicyPeer.IpBlock.of("10.0.0.0/16", "10.0.1.2/32")));
    NetworkPolicy podB = egress("x", "allow-client-a-to-x-b", pod("a"), PolicyRule.peers(PolicyPeer.IpBlock.of("10.0.1.2/32")));
    assertThat(tcp(80, wide)).isEqualTo(XA_TO_XB_DENIED);
    assertThat(tcp(80, wide, podB)).isEqualTo(ALL_ALLOWED);
    // Upstream replaces the first policy by the second (same name): then only x/b is reachable.
    assertThat(tcp(80, podB)).isEqualTo(matrix("""
        X.X XXX XXX
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        """));
  }

  @Test
  void ingressAndEgressAreControlledIndependently() {
    NetworkPolicy allowEgress = egress("x", "allow-egress-for-target", pod("a"), PolicyRule.ALLOW_ALL);
    assertThat(tcp(80, allowEgress)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(80, allowEgress, denyIngress("x", "deny-ingress-via-label-selector", pod("a"))))
        .isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void sctpIsNotMistakenForTcp() {
    NetworkPolicy denyIngress = denyIngress("x", "deny-ingress", LabelSelector.EVERYTHING);
    NetworkPolicy sctpOnly = ingress("x", "allow-only-sctp-ingress-on-port-81", pod("a"),
        PolicyRule.ports(PolicyPort.number(Protocol.SCTP, 81)));
    assertThat(tcp(81, denyIngress, sctpOnly)).isEqualTo(X_INGRESS_DENIED);
    assertThat(model.reachability(List.of(denyIngress, sctpOnly), Protocol.SCTP, 81)).isEqualTo(matrix("""
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        .XX ... ...
        """));
  }

  @Test
  void aPolicyAllowingOnlySctpIsolatesThePodForTcp() {
    assertThat(tcp(81, ingress("x", "allow-only-sctp-ingress-on-port-80", pod("a"),
        PolicyRule.ports(PolicyPort.number(Protocol.SCTP, 80))))).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void aPolicyAllowingOnlyUdpDeniesTcp() {
    assertThat(tcp(81, ingress("x", "allow-only-udp-ingress-on-port-81", pod("a"),
        PolicyRule.ports(PolicyPort.number(Protocol.UDP, 81))))).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void namespaceSelectorOnTheDefaultNamespaceNameLabel() {
    assertThat(tcp(80, ingress("x", "allow-client-a-via-ns-selector-for-immutable-ns-label", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y")))))).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
  }

  @Test
  void egressNamespaceSelectorNotInOnTheDefaultNamespaceNameLabel() {
    LabelSelector notY = LabelSelector.of(Map.of(), Requirement.notIn(NamespaceInfo.NAME_LABEL, "y"));
    assertThat(tcp(80, egress("x", "allow-ns-y-match-selector-for-immutable-ns-label", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(notY))))).isEqualTo(matrix("""
        ... XXX ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        ... ... ...
        """));
  }

  // The scenarios below follow the upstream model where the current suite has no test of its own:
  // endPort ranges (KEP-2079, whose e2e tests were folded away) and egress with a DNS exception.

  @Test
  void ingressPortRangeWithEndPort() {
    NetworkPolicy range = ingress("x", "allow-80-to-81-from-y", pod("a"),
        PolicyRule.peers(Pods.inNamespaces(namespaceNamed("y"))).withPorts(PolicyPort.range(Protocol.TCP, 80, 81)));
    assertThat(tcp(80, range)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    assertThat(tcp(81, range)).isEqualTo(XA_ONLY_FROM_NAMESPACE_Y);
    assertThat(tcp(82, range)).isEqualTo(XA_INGRESS_DENIED);
  }

  @Test
  void egressPortRangeWithEndPort() {
    NetworkPolicy range = egress("x", "allow-81-to-90", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.range(Protocol.TCP, 81, 90)));
    assertThat(tcp(80, range)).isEqualTo(X_EGRESS_DENIED);
    assertThat(tcp(81, range)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(90, range)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(91, range)).isEqualTo(X_EGRESS_DENIED);
  }

  @Test
  void egressToPort80WithADnsException() {
    // As upstream's older "Ingress, Egress specified together" did: egress on port 80, plus DNS.
    NetworkPolicy policy = egress("x", "allow-80-and-dns", LabelSelector.EVERYTHING,
        PolicyRule.ports(PolicyPort.number(Protocol.TCP, 80)),
        PolicyRule.ports(PolicyPort.number(Protocol.UDP, 53), PolicyPort.number(Protocol.TCP, 53)));
    assertThat(tcp(80, policy)).isEqualTo(ALL_ALLOWED);
    assertThat(tcp(81, policy)).isEqualTo(X_EGRESS_DENIED);
    assertThat(model.reachability(List.of(policy), Protocol.UDP, 53)).isEqualTo(ALL_ALLOWED);
    assertThat(model.reachability(List.of(policy), Protocol.UDP, 80)).isEqualTo(X_EGRESS_DENIED);
  }
}
