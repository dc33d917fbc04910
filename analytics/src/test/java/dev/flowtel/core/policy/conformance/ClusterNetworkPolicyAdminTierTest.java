package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import org.junit.jupiter.api.Test;

/**
 * Admin-tier ClusterNetworkPolicy scenarios in v1alpha2 (Accept for Allow, protocols for ports), one test per upstream
 * ConformanceTest with its subtests in order: CNPAdminTierIngressTCP, -EgressTCP, -IngressUDP, -EgressUDP, -IngressSCTP
 * and -EgressSCTP (conformance/tests/admin-network-policy-standard-{ingress,egress}-{tcp,udp,sctp}-rules.go) and
 * CNPAdminTierGress (admin-network-policy-standard-gress-rules.go); plus the gress scenario of the v1alpha1
 * AdminNetworkPolicyGress with its pod-selector rules carried over to v1alpha2, with the same verdicts as the
 * AdminNetworkPolicy.
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

  @Test
  void cnpAdminTierIngressUDP() {
    String p = "ClusterNetworkPolicy/ingress-udp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-ingress-udp.yaml");
    // allow-ingress; rule ordering is respected
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-0 udp/53   allowed by P ingress[0]
        luna-lovegood-1 -> cedric-diggory-0 udp/5353 allowed by P ingress[0]
        """.replace("P", p));
    // allow-ingress at the specified port
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by P ingress[5]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by P ingress[6]
        """.replace("P", p));
    // deny-ingress; rule ordering is respected (rules 0 and 1 swapped)
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-udp", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/53   denied by P ingress[0]
        luna-lovegood-1 -> cedric-diggory-1 udp/5353 denied by P ingress[0]
        """.replace("P", p));
    // deny-ingress at the specified port
    hogwarts.expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 denied by P ingress[3]
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """.replace("P", p));
    // pass-ingress; rule ordering is respected (rules 0 and 2 swapped): nothing below the admin tier decides
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-udp", PolicyType.Ingress, 0, 2).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/5353 allowed by default
        luna-lovegood-1 -> cedric-diggory-1 udp/53   allowed by default
        """);
    // pass-ingress at the specified port (rules 3 and 4 swapped)
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-udp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 allowed by default
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """);
  }

  @Test
  void cnpAdminTierEgressUDP() {
    String p = "ClusterNetworkPolicy/egress-udp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-egress-udp.yaml");
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-0 udp/53   allowed by P egress[0]
        cedric-diggory-1 -> luna-lovegood-0 udp/5353 allowed by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by P egress[5]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by P egress[6]
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-udp", PolicyType.Egress, 0, 1).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/53   denied by P egress[0]
        cedric-diggory-1 -> luna-lovegood-1 udp/5353 denied by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 denied by P egress[3]
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-udp", PolicyType.Egress, 0, 2).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/5353 allowed by default
        cedric-diggory-1 -> luna-lovegood-1 udp/53   allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-udp", PolicyType.Egress, 3, 4).expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 allowed by default
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """);
  }

  @Test
  void cnpAdminTierIngressSCTP() {
    String p = "ClusterNetworkPolicy/ingress-sctp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-ingress-sctp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 sctp/9003 allowed by P ingress[0]
        harry-potter-1 -> luna-lovegood-0 sctp/9005 allowed by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-1 sctp/9003 allowed by P ingress[5]
        cedric-diggory-1 -> luna-lovegood-1 sctp/9005 denied by P ingress[6]
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 denied by P ingress[0]
        harry-potter-1 -> luna-lovegood-1 sctp/9005 denied by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 denied by P ingress[3]
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 0, 2).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 allowed by default
        harry-potter-1 -> luna-lovegood-1 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 allowed by default
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """);
  }

  @Test
  void cnpAdminTierEgressSCTP() {
    String p = "ClusterNetworkPolicy/egress-sctp";
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-egress-sctp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 sctp/9003 allowed by P egress[0]
        luna-lovegood-1 -> harry-potter-0 sctp/9005 allowed by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-1 sctp/9003 allowed by P egress[5]
        luna-lovegood-1 -> cedric-diggory-1 sctp/9005 denied by P egress[6]
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-sctp", PolicyType.Egress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 denied by P egress[0]
        luna-lovegood-1 -> harry-potter-1 sctp/9005 denied by P egress[0]
        """.replace("P", p));
    hogwarts.expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 denied by P egress[3]
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """.replace("P", p));
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-sctp", PolicyType.Egress, 0, 2).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 allowed by default
        luna-lovegood-1 -> harry-potter-1 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "egress-sctp", PolicyType.Egress, 3, 4).expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 allowed by default
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """);
  }

  @Test
  void cnpAdminTierGress() {
    Hogwarts hogwarts = Hogwarts.with("cnp/standard-gress-rules.yaml");
    AdminNetworkPolicyCoreTest.adminTierGress(hogwarts, ClusterNetworkPolicy, "gress-rules");
    AdminNetworkPolicyCoreTest.assertPassed(hogwarts, "harry-potter-0", "draco-malfoy-0", P + " egress[3]");
  }
}
