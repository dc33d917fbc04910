package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import org.junit.jupiter.api.Test;

/**
 * Baseline-tier ClusterNetworkPolicy scenarios in v1alpha2, one test per upstream ConformanceTest with its subtests in
 * order: CNPBaselineTierIngressTCP, -EgressTCP, -IngressUDP, -EgressUDP, -IngressSCTP and -EgressSCTP
 * (conformance/tests/baseline-admin-network-policy-standard-{ingress,egress}-{tcp,udp,sctp}-rules.go), CNPBaselineTierGress
 * (baseline-admin-network-policy-standard-gress-rules.go), and CNPBaselineTierIngressRulesEgressUnaffected and
 * CNPBaselineTierEgressRulesIngressUnaffected (baseline-admin-network-policy-standard-ingress-egress-isolation.go).
 * No NetworkPolicy selects the subjects, so the Baseline tier's first matching rule decides. The Baseline tier has no
 * Pass, so its rules are fewer than the Admin tier's: where upstream's comments name the Admin tier's indices (5 and 6
 * for the house allowed at a port, 3 for slytherin) the rules here are 3, 4 and 2, as in upstream's YAML.
 */
class ClusterNetworkPolicyBaselineTierTest {

  private static final String B = "ClusterNetworkPolicy/default";

  @Test
  void cnpBaselineTierIngressTCP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-ingress-tcp.yaml");
    // allow-ingress; rule ordering is respected
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by B ingress[0]
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by B ingress[0]
        """.replace("B", B));
    // allow-ingress at the specified port
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by B ingress[3]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by B ingress[4]
        """.replace("B", B));
    // only ingress rules: the subject's egress is unaffected, even to slytherin at the port its ingress denies
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80 allowed by default
        harry-potter-1 -> draco-malfoy-0  tcp/80 allowed by default
        """);
    // deny-ingress; rule ordering is respected (rules 0 and 1 swapped)
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 tcp/80   denied by B ingress[0]
        luna-lovegood-1 -> harry-potter-1 tcp/8080 denied by B ingress[0]
        """.replace("B", B));
    // deny-ingress at the specified port
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by B ingress[2]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierEgressTCP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-egress-tcp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by B egress[0]
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/8080 allowed by B egress[3]
        harry-potter-1 -> cedric-diggory-1 tcp/80   denied by B egress[4]
        """.replace("B", B));
    // only egress rules: the subject's ingress is unaffected, even from slytherin at the port its egress denies
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80 allowed by default
        draco-malfoy-0  -> harry-potter-1 tcp/80 allowed by default
        """);
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 tcp/80   denied by B egress[0]
        harry-potter-1 -> luna-lovegood-1 tcp/8080 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by B egress[2]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierIngressUDP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-ingress-udp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-0 udp/53   allowed by B ingress[0]
        luna-lovegood-1 -> cedric-diggory-0 udp/5353 allowed by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by B ingress[3]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by B ingress[4]
        """.replace("B", B));
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/53   denied by B ingress[0]
        luna-lovegood-1 -> cedric-diggory-1 udp/5353 denied by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 denied by B ingress[2]
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierEgressUDP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-egress-udp.yaml");
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-0 udp/53   allowed by B egress[0]
        cedric-diggory-1 -> luna-lovegood-0 udp/5353 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by B egress[3]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by B egress[4]
        """.replace("B", B));
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/53   denied by B egress[0]
        cedric-diggory-1 -> luna-lovegood-1 udp/5353 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 denied by B egress[2]
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierIngressSCTP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-ingress-sctp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 sctp/9003 allowed by B ingress[0]
        harry-potter-1 -> luna-lovegood-0 sctp/9005 allowed by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-1 sctp/9003 allowed by B ingress[3]
        cedric-diggory-1 -> luna-lovegood-1 sctp/9005 denied by B ingress[4]
        """.replace("B", B));
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 denied by B ingress[0]
        harry-potter-1 -> luna-lovegood-1 sctp/9005 denied by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 denied by B ingress[2]
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierEgressSCTP() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-egress-sctp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 sctp/9003 allowed by B egress[0]
        luna-lovegood-1 -> harry-potter-0 sctp/9005 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-1 sctp/9003 allowed by B egress[3]
        luna-lovegood-1 -> cedric-diggory-1 sctp/9005 denied by B egress[4]
        """.replace("B", B));
    hogwarts.swapRules(ClusterNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 denied by B egress[0]
        luna-lovegood-1 -> harry-potter-1 sctp/9005 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 denied by B egress[2]
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """.replace("B", B));
  }

  @Test
  void cnpBaselineTierGress() {
    BaselineAdminNetworkPolicyCoreTest.gress(Hogwarts.with("cnp/baseline-standard-gress-rules.yaml"), ClusterNetworkPolicy,
        "default");
  }

  @Test
  void cnpBaselineTierIngressRulesEgressUnaffected() {
    Hogwarts.with("cnp/baseline-ingress-isolation.yaml").expect("""
        draco-malfoy-0 -> harry-potter-0   tcp/80 denied by ClusterNetworkPolicy/baseline-ingress-isolation ingress[0]
        harry-potter-0 -> luna-lovegood-0  tcp/80 allowed by default
        harry-potter-0 -> cedric-diggory-0 tcp/80 allowed by default
        """);
  }

  @Test
  void cnpBaselineTierEgressRulesIngressUnaffected() {
    Hogwarts.with("cnp/baseline-egress-isolation.yaml").expect("""
        harry-potter-0   -> draco-malfoy-0 tcp/80 denied by ClusterNetworkPolicy/baseline-egress-isolation egress[0]
        luna-lovegood-0  -> harry-potter-0 tcp/80 allowed by default
        cedric-diggory-0 -> harry-potter-0 tcp/80 allowed by default
        """);
  }
}
