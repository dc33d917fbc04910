package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import org.junit.jupiter.api.Test;

/**
 * Admin-tier ClusterNetworkPolicy scenarios in v1alpha2 (Accept for Allow, protocols for ports):
 * CNPAdminTierIngressTCP and CNPAdminTierEgressTCP (conformance/tests/admin-network-policy-standard-*-tcp-rules.go), and the
 * gress scenario of upstream's AdminNetworkPolicyGress that admin_tier/standard-gress-rules-combined.yaml
 * carries over, with the same verdicts as the AdminNetworkPolicy.
 */
class ClusterNetworkPolicyAdminTierTest {

  private static final String P = "ClusterNetworkPolicy/gress-rules";

  @Test
  void clusterNetworkPolicyAdminTierGress() {
    Hogwarts hogwarts = Hogwarts.with("cnp/admin-gress-rules.yaml");
    hogwarts.expect("""
        harry-potter-0  -> luna-lovegood-0 tcp/80    allowed by P egress[0]
        harry-potter-1  -> luna-lovegood-0 udp/53    allowed by P egress[0]
        harry-potter-0  -> luna-lovegood-0 sctp/9003 allowed by P egress[0]
        luna-lovegood-0 -> harry-potter-0  tcp/80    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  udp/53    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  sctp/9003 allowed by P ingress[0]
        harry-potter-0   -> cedric-diggory-1 tcp/8080  allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 tcp/80    denied by P egress[6]
        harry-potter-0   -> cedric-diggory-1 udp/5353  allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 udp/53    denied by P egress[6]
        harry-potter-0   -> cedric-diggory-1 sctp/9003 allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 sctp/9005 denied by P egress[6]
        cedric-diggory-0 -> harry-potter-1   tcp/80    allowed by P ingress[5]
        cedric-diggory-1 -> harry-potter-1   tcp/8080  denied by P ingress[6]
        professor-dumbledore-0 -> harry-potter-0 udp/5353 allowed by P ingress[7]
        professor-quirrell-0   -> harry-potter-0 sctp/9003 denied by P ingress[9]
        """.replace("P", P));
    hogwarts.swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Egress, 0, 1)
        .swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0  -> luna-lovegood-1 tcp/80    denied by P egress[0]
        luna-lovegood-1 -> harry-potter-1  udp/53    denied by P ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80    denied by P egress[3]
        harry-potter-1 -> draco-malfoy-0 tcp/8080  allowed by default
        draco-malfoy-0 -> harry-potter-0 sctp/9003 denied by P ingress[3]
        draco-malfoy-1 -> harry-potter-0 sctp/9005 allowed by default
        """.replace("P", P));
    hogwarts.swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Egress, 0, 2)
        .swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Ingress, 0, 2)
        .swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Egress, 3, 4)
        .swapRules(ClusterNetworkPolicy, "gress-rules", PolicyType.Ingress, 3, 4).expect("""
        harry-potter-0  -> luna-lovegood-0 udp/5353  allowed by default
        luna-lovegood-1 -> harry-potter-0  sctp/9003 allowed by default
        harry-potter-0  -> draco-malfoy-0  udp/53    allowed by default
        draco-malfoy-0  -> harry-potter-0  tcp/80    allowed by default
        """);
  }

  @Test
  void cnpAdminTierIngressTCP() {
    String p = "ClusterNetworkPolicy/ingress-tcp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-ingress-tcp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by P ingress[5]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by P ingress[6]
        """.replace("P", p));
    // only ingress rules: the subject's egress is unaffected
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80 allowed by default
        harry-potter-1 -> draco-malfoy-0  tcp/80 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 tcp/80   denied by P ingress[0]
        luna-lovegood-1 -> harry-potter-1 tcp/8080 denied by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by P ingress[3]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 0, 2).expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by default
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   allowed by default
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """);
  }

  @Test
  void cnpAdminTierEgressTCP() {
    String p = "ClusterNetworkPolicy/egress-tcp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-egress-tcp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by P egress[0]
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/8080 allowed by P egress[5]
        harry-potter-1 -> cedric-diggory-1 tcp/80   denied by P egress[6]
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-tcp", PolicyType.Egress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 tcp/80   denied by P egress[0]
        harry-potter-1 -> luna-lovegood-1 tcp/8080 denied by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by P egress[3]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-tcp", PolicyType.Egress, 0, 2).expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by default
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-tcp", PolicyType.Egress, 3, 4).expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   allowed by default
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """);
  }
}
