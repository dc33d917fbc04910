package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.AdminNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.ClusterPort;
import org.junit.jupiter.api.Test;

/**
 * The extended scenarios (conformance/tests/admin-network-policy-extended-*-rules.go and
 * baseline-admin-network-policy-extended-egress-rules.go): named ports, and egress to nodes probed at
 * the host-network centaurs, whose addresses are the nodes'.
 */
class AdminNetworkPolicyExtendedTest {

  @Test
  void adminNetworkPolicyEgressNamedPort() {
    // egress[5] (TCP 8080 to hufflepuff) becomes namedPort web, which the pods define as TCP 80
    Hogwarts.with("anp/core-egress-tcp.yaml")
        .setPorts(AdminNetworkPolicy, "egress-tcp", PolicyType.Egress, 5, new ClusterPort.Named("web")).expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/80   allowed by AdminNetworkPolicy/egress-tcp egress[5]
        harry-potter-1 -> cedric-diggory-1 tcp/8080 denied by AdminNetworkPolicy/egress-tcp egress[6]
        """);
  }

  @Test
  void adminNetworkPolicyEgressNodePeers() {
    Hogwarts.with("anp/extended-egress-nodes.yaml").expect("""
        harry-potter-0 -> centaur-1 tcp/36363 allowed by AdminNetworkPolicy/node-selector-as-peer-example egress[0]
        harry-potter-1 -> centaur-1 udp/5353  allowed by default
        harry-potter-1 -> centaur-1 tcp/36364 denied by AdminNetworkPolicy/node-selector-as-peer-example egress[2]
        harry-potter-1 -> centaur-1 udp/53    denied by AdminNetworkPolicy/node-selector-as-peer-example egress[2]
        harry-potter-1 -> centaur-1 sctp/9003 denied by AdminNetworkPolicy/node-selector-as-peer-example egress[2]
        """);
  }

  @Test
  void adminNetworkPolicyIngressNamedPort() {
    // ingress[5] (UDP 53 from gryffindor) becomes namedPort dns, which the pods define as UDP 53
    Hogwarts.with("anp/core-ingress-udp.yaml")
        .setPorts(AdminNetworkPolicy, "ingress-udp", PolicyType.Ingress, 5, new ClusterPort.Named("dns")).expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by AdminNetworkPolicy/ingress-udp ingress[5]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by AdminNetworkPolicy/ingress-udp ingress[6]
        """);
  }

  @Test
  void baselineAdminNetworkPolicyEgressNodePeers() {
    // upstream's comment on 36364 speaks of a Pass; the baseline tier has none: the port range 36363-36364 allows it
    Hogwarts.with("banp/extended-egress-nodes.yaml").expect("""
        harry-potter-0 -> centaur-1 tcp/36363 allowed by BaselineAdminNetworkPolicy/default egress[0]
        harry-potter-1 -> centaur-1 tcp/36364 allowed by BaselineAdminNetworkPolicy/default egress[0]
        harry-potter-1 -> centaur-1 udp/53    denied by BaselineAdminNetworkPolicy/default egress[1]
        harry-potter-1 -> centaur-1 sctp/9003 denied by BaselineAdminNetworkPolicy/default egress[1]
        """);
  }
}
