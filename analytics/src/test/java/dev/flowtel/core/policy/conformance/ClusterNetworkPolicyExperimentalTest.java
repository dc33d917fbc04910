package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.ClusterPort;
import dev.flowtel.core.policy.ClusterRuleRef;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import org.junit.jupiter.api.Test;

/**
 * The experimental ClusterNetworkPolicy scenarios (conformance/tests/admin-network-policy-experimental-*-rules.go and
 * baseline-admin-network-policy-experimental-*-rules.go): named ports, with a rule of the standard scenarios' policies
 * rewritten as destinationNamedPort, and egress to nodes probed at the host-network centaurs, whose addresses are the
 * nodes'. Upstream probes the centaurs on the suite's HostNetworkPorts, 34345 onwards by default; the ports here are
 * those defaults ([0] 34345, [1] 34346, [2] 34347, [4] 34349, [6] 34351).
 */
class ClusterNetworkPolicyExperimentalTest {

  private static final String NODES = "ClusterNetworkPolicy/node-and-cidr-as-peers-example";

  @Test
  void cnpAdminTierEgressNamedPort() {
    // egress[5] (TCP 8080 to hufflepuff) becomes destinationNamedPort web, which the pods define as TCP 80
    Hogwarts.with("cnp/standard-egress-tcp.yaml")
        .setPorts(ClusterNetworkPolicy, "egress-tcp", PolicyType.Egress, 5, new ClusterPort.Named("web")).expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/80   allowed by ClusterNetworkPolicy/egress-tcp egress[5]
        harry-potter-1 -> cedric-diggory-1 tcp/8080 denied by ClusterNetworkPolicy/egress-tcp egress[6]
        """);
  }

  @Test
  void cnpAdminTierEgressNodePeers() {
    Hogwarts hogwarts = Hogwarts.with("cnp/experimental-egress-nodes.yaml");
    // allow-egress to the nodes at HostNetworkPorts[0] over TCP
    hogwarts.expect("""
        harry-potter-1 -> centaur-1 tcp/34345 allowed by NODES egress[0]
        """.replace("NODES", NODES));
    // pass-egress to the nodes at HostNetworkPorts[2] over UDP: nothing below the Admin tier decides
    hogwarts.expect("""
        harry-potter-1 -> centaur-1 udp/34347 allowed by default
        """);
    ClusterRuleRef pass = hogwarts.probe("harry-potter-1", "centaur-1", Protocol.UDP, 34347).egress().passedBy();
    assertThat(pass).isNotNull();
    assertThat(pass.policy() + " " + pass.type().fieldName() + "[" + pass.index() + "]").isEqualTo(NODES + " egress[1]");
    // deny-egress to the rest of the nodes
    hogwarts.expect("""
        harry-potter-1 -> centaur-1 tcp/34346  denied by NODES egress[2]
        harry-potter-1 -> centaur-1 udp/34349  denied by NODES egress[2]
        harry-potter-1 -> centaur-1 sctp/34351 denied by NODES egress[2]
        """.replace("NODES", NODES));
  }

  @Test
  void cnpAdminTierIngressNamedPort() {
    // ingress[5] (UDP 53 from gryffindor) becomes destinationNamedPort dns, which the pods define as UDP 53
    Hogwarts.with("cnp/standard-ingress-udp.yaml")
        .setPorts(ClusterNetworkPolicy, "ingress-udp", PolicyType.Ingress, 5, new ClusterPort.Named("dns")).expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by ClusterNetworkPolicy/ingress-udp ingress[5]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by ClusterNetworkPolicy/ingress-udp ingress[6]
        """);
  }

  @Test
  void cnpBaselineTierEgressNamedPort() {
    // egress[3] (UDP 53 to gryffindor) becomes destinationNamedPort dns, which the pods define as UDP 53
    Hogwarts.with("cnp/baseline-egress-udp.yaml")
        .setPorts(ClusterNetworkPolicy, "default", PolicyType.Egress, 3, new ClusterPort.Named("dns")).expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by ClusterNetworkPolicy/default egress[3]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by ClusterNetworkPolicy/default egress[4]
        """);
  }

  @Test
  void cnpBaselineTierEgressNodePeers() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-experimental-egress-nodes.yaml");
    // allow-egress to the nodes at HostNetworkPorts[0] and [1] over TCP: one port range; upstream's comment on the
    // second probe speaks of a Pass, which the Baseline tier does not have
    hogwarts.expect("""
        harry-potter-0 -> centaur-1 tcp/34345 allowed by ClusterNetworkPolicy/default egress[0]
        harry-potter-1 -> centaur-1 tcp/34346 allowed by ClusterNetworkPolicy/default egress[0]
        """);
    // deny-egress to the rest of the nodes
    hogwarts.expect("""
        harry-potter-1 -> centaur-1 udp/34349  denied by ClusterNetworkPolicy/default egress[1]
        harry-potter-1 -> centaur-1 sctp/34351 denied by ClusterNetworkPolicy/default egress[1]
        """);
  }

  @Test
  void cnpBaselineTierIngressNamedPort() {
    // ingress[3] (TCP 80 from hufflepuff) becomes destinationNamedPort web, which the pods define as TCP 80
    Hogwarts.with("cnp/baseline-ingress-tcp.yaml")
        .setPorts(ClusterNetworkPolicy, "default", PolicyType.Ingress, 3, new ClusterPort.Named("web")).expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by ClusterNetworkPolicy/default ingress[3]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by ClusterNetworkPolicy/default ingress[4]
        """);
  }
}
