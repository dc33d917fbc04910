package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.AdminNetworkPolicy;
import static dev.flowtel.core.policy.ClusterPolicyKind.BaselineAdminNetworkPolicy;
import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterRuleAction;
import org.junit.jupiter.api.Test;

/**
 * AdminNetworkPolicyIntegration (conformance/tests/admin-network-policy-core-integration.go) and
 * CNPAdminTierIntegration (admin-network-policy-standard-integration.go): the three tiers together. An
 * admin Deny decides; turned into Pass, the NetworkPolicy of gryffindor decides; with that NetworkPolicy
 * deleted, the baseline tier's Deny decides.
 */
class ApiIntegrationTest {

  private static final String NETWORK_POLICY = "network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor";

  @Test
  void adminNetworkPolicyIntegration() {
    integration(Hogwarts.with("integration/core-anp-np-banp.yaml"), AdminNetworkPolicy, BaselineAdminNetworkPolicy);
  }

  @Test
  void cnpAdminTierIntegration() {
    integration(Hogwarts.with("integration/standard-cnp-np-cnp.yaml"), ClusterNetworkPolicy, ClusterNetworkPolicy);
  }

  private static void integration(Hogwarts hogwarts, ClusterPolicyKind admin, ClusterPolicyKind baseline) {
    String a = admin + "/pass-example";
    String b = baseline + "/default";
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by A ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 denied by A ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by A egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 denied by A egress[0]
        """.replace("A", a));
    hogwarts.setAction(admin, "pass-example", PolicyType.Ingress, 0, ClusterRuleAction.Pass).expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   allowed by NP ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by NP ingress[0]
        """.replace("NP", NETWORK_POLICY));
    hogwarts.setAction(admin, "pass-example", PolicyType.Egress, 0, ClusterRuleAction.Pass).expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   allowed by NP egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by NP egress[0]
        """.replace("NP", NETWORK_POLICY));
    hogwarts.deleteNetworkPolicy("network-policy-conformance-gryffindor", "allow-gress-from-to-slytherin-to-gryffindor")
        .expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by B ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 denied by B ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by B egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 denied by B egress[0]
        """.replace("B", b));
  }

  /** Not an upstream case: a NetworkPolicy that isolates the pod keeps the baseline tier out even when it denies. */
  @Test
  void networkPolicyIsolationHidesTheBaselineTier() {
    Hogwarts hogwarts = Hogwarts.with("integration/core-anp-np-banp.yaml")
        .setAction(AdminNetworkPolicy, "pass-example", PolicyType.Ingress, 0, ClusterRuleAction.Pass);
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80 denied by NetworkPolicy NP
        """.replace("NP", NETWORK_POLICY));
  }
}
