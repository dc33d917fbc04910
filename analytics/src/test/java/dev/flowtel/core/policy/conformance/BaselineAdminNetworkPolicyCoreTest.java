package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.cluster.ClusterPolicyKind.BaselineAdminNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.cluster.ClusterPolicyKind;
import org.junit.jupiter.api.Test;

/**
 * BaselineAdminNetworkPolicyGress (conformance/tests/baseline-admin-network-policy-core-gress-rules.go),
 * and the same probes against the same rules written as a v1alpha2 ClusterNetworkPolicy in the Baseline
 * tier: with no NetworkPolicy selecting gryffindor, the baseline tier's first matching rule decides.
 */
class BaselineAdminNetworkPolicyCoreTest {

  @Test
  void baselineAdminNetworkPolicyGress() {
    gress(Hogwarts.with("banp/core-gress-rules.yaml"), BaselineAdminNetworkPolicy, "default");
  }

  @Test
  void clusterNetworkPolicyBaselineTierGress() {
    gress(Hogwarts.with("cnp/baseline-gress-rules.yaml"), ClusterPolicyKind.ClusterNetworkPolicy, "default");
  }

  private static void gress(Hogwarts hogwarts, ClusterPolicyKind kind, String name) {
    String p = kind + "/" + name;
    hogwarts.expect("""
        harry-potter-0  -> luna-lovegood-0 tcp/80    allowed by P egress[0]
        harry-potter-1  -> luna-lovegood-0 udp/53    allowed by P egress[0]
        harry-potter-0  -> luna-lovegood-0 sctp/9003 allowed by P egress[0]
        luna-lovegood-0 -> harry-potter-0  tcp/80    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  udp/53    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  sctp/9003 allowed by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        harry-potter-0   -> cedric-diggory-1 tcp/8080  allowed by P egress[3]
        harry-potter-1   -> cedric-diggory-1 tcp/80    denied by P egress[4]
        harry-potter-0   -> cedric-diggory-1 udp/5353  allowed by P egress[3]
        harry-potter-1   -> cedric-diggory-1 udp/53    denied by P egress[4]
        harry-potter-0   -> cedric-diggory-1 sctp/9003 allowed by P egress[3]
        harry-potter-1   -> cedric-diggory-1 sctp/9005 denied by P egress[4]
        cedric-diggory-0 -> harry-potter-1   tcp/80    allowed by P ingress[3]
        cedric-diggory-1 -> harry-potter-1   tcp/8080  denied by P ingress[4]
        cedric-diggory-0 -> harry-potter-1   udp/5353  allowed by P ingress[3]
        cedric-diggory-1 -> harry-potter-1   udp/53    denied by P ingress[4]
        cedric-diggory-0 -> harry-potter-1   sctp/9003 allowed by P ingress[3]
        cedric-diggory-1 -> harry-potter-1   sctp/9005 denied by P ingress[4]
        """.replace("P", p));
    hogwarts.swapRules(kind, name, PolicyType.Egress, 0, 1).swapRules(kind, name, PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0  -> luna-lovegood-1 tcp/80    denied by P egress[0]
        harry-potter-1  -> luna-lovegood-1 udp/53    denied by P egress[0]
        harry-potter-0  -> luna-lovegood-1 sctp/9003 denied by P egress[0]
        luna-lovegood-0 -> harry-potter-1  tcp/80    denied by P ingress[0]
        luna-lovegood-1 -> harry-potter-1  udp/53    denied by P ingress[0]
        luna-lovegood-1 -> harry-potter-1  sctp/9003 denied by P ingress[0]
        """.replace("P", p));
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80    denied by P egress[2]
        harry-potter-1 -> draco-malfoy-0 tcp/8080  allowed by default
        harry-potter-0 -> draco-malfoy-0 udp/53    denied by P egress[2]
        harry-potter-1 -> draco-malfoy-0 udp/5353  allowed by default
        harry-potter-0 -> draco-malfoy-0 sctp/9003 denied by P egress[2]
        harry-potter-1 -> draco-malfoy-0 sctp/9005 allowed by default
        draco-malfoy-0 -> harry-potter-0 tcp/80    denied by P ingress[2]
        draco-malfoy-1 -> harry-potter-0 tcp/8080  allowed by default
        draco-malfoy-0 -> harry-potter-0 udp/53    denied by P ingress[2]
        draco-malfoy-1 -> harry-potter-0 udp/5353  allowed by default
        draco-malfoy-0 -> harry-potter-0 sctp/9003 denied by P ingress[2]
        draco-malfoy-1 -> harry-potter-0 sctp/9005 allowed by default
        """.replace("P", p));
  }
}
