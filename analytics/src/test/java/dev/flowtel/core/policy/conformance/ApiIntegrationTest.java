package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.cluster.ClusterPolicyKind.AdminNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.cluster.ClusterRuleAction;
import org.junit.jupiter.api.Test;

/**
 * AdminNetworkPolicyIntegration (conformance/tests/admin-network-policy-core-integration.go): the three
 * tiers together. An admin Deny decides; turned into Pass, the NetworkPolicy of gryffindor decides; with
 * that NetworkPolicy deleted, the baseline tier's Deny decides.
 */
class ApiIntegrationTest {

  @Test
  void adminNetworkPolicyIntegration() {
    Hogwarts hogwarts = Hogwarts.with("integration/core-anp-np-banp.yaml");
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by AdminNetworkPolicy/pass-example ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 denied by AdminNetworkPolicy/pass-example ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by AdminNetworkPolicy/pass-example egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 denied by AdminNetworkPolicy/pass-example egress[0]
        """);
    hogwarts.setAction(AdminNetworkPolicy, "pass-example", PolicyType.Ingress, 0, ClusterRuleAction.Pass).expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   allowed by network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor ingress[0]
        """);
    hogwarts.setAction(AdminNetworkPolicy, "pass-example", PolicyType.Egress, 0, ClusterRuleAction.Pass).expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   allowed by network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor egress[0]
        """);
    hogwarts.deleteNetworkPolicy("network-policy-conformance-gryffindor", "allow-gress-from-to-slytherin-to-gryffindor")
        .expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by BaselineAdminNetworkPolicy/default ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 denied by BaselineAdminNetworkPolicy/default ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by BaselineAdminNetworkPolicy/default egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 denied by BaselineAdminNetworkPolicy/default egress[0]
        """);
  }

  /** Not an upstream case: a NetworkPolicy that isolates the pod keeps the baseline tier out even when it denies. */
  @Test
  void networkPolicyIsolationHidesTheBaselineTier() {
    Hogwarts hogwarts = Hogwarts.with("integration/core-anp-np-banp.yaml")
        .setAction(AdminNetworkPolicy, "pass-example", PolicyType.Ingress, 0, ClusterRuleAction.Pass);
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80 denied by NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor
        """);
  }
}
