package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.ClusterPeer;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPolicyRule;
import dev.flowtel.core.policy.ClusterRuleAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Standard ClusterNetworkPolicy (v1alpha2) scenarios: CNPAdminTierPortRange
 * (conformance/tests/admin-network-policy-standard-port-range-rules.go), CNPAdminTierSamePriority
 * (conformance/tests/admin-network-policy-same-priority.go, and the three-policy version of
 * admin-network-policy-standard-same-priority.go), CNPAdminTierEgressInlineCIDRPeers
 * (conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go),
 * CNPAdminTierIngressRulesEgressUnaffected and CNPAdminTierEgressRulesIngressUnaffected
 * (conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go), CNPAdminTierHairpin
 * (conformance/tests/admin-network-policy-hairpin-rules.go), CNPAdminTierPodSelector
 * (conformance/tests/admin-network-policy-standard-pod-selector-rules.go), plus the order Flowtel gives policies of
 * equal priority that overlap, which upstream leaves undefined.
 */
class ClusterNetworkPolicyStandardTest {

  @Test
  void cnpAdminTierPortRange() {
    portRange(Hogwarts.with("cnp/standard-port-range-rules.yaml"));
  }

  /** CNPBaselineTierPortRange (conformance/tests/baseline-admin-network-policy-standard-port-range-rules.go). */
  @Test
  void cnpBaselineTierPortRange() {
    portRange(Hogwarts.with("cnp/baseline-port-range-rules.yaml"));
  }

  private static void portRange(Hogwarts hogwarts) {
    // egress port ranges across protocols
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0  tcp/80    allowed by ClusterNetworkPolicy/port-range-rules egress[0]
        harry-potter-0 -> luna-lovegood-0  tcp/8080  allowed by ClusterNetworkPolicy/port-range-rules egress[0]
        harry-potter-1 -> luna-lovegood-0  udp/53    denied by ClusterNetworkPolicy/port-range-rules egress[3]
        harry-potter-0 -> cedric-diggory-0 udp/53    allowed by ClusterNetworkPolicy/port-range-rules egress[1]
        harry-potter-0 -> cedric-diggory-0 udp/5353  allowed by ClusterNetworkPolicy/port-range-rules egress[1]
        harry-potter-1 -> cedric-diggory-0 tcp/80    denied by ClusterNetworkPolicy/port-range-rules egress[3]
        harry-potter-0 -> draco-malfoy-0   sctp/9003 allowed by ClusterNetworkPolicy/port-range-rules egress[2]
        harry-potter-0 -> draco-malfoy-0   sctp/9005 allowed by ClusterNetworkPolicy/port-range-rules egress[2]
        harry-potter-1 -> draco-malfoy-0   tcp/80    denied by ClusterNetworkPolicy/port-range-rules egress[3]
        """);
    // ingress port ranges across protocols
    hogwarts.expect("""
        luna-lovegood-0  -> harry-potter-0 tcp/80    allowed by ClusterNetworkPolicy/port-range-rules ingress[0]
        luna-lovegood-0  -> harry-potter-0 tcp/8080  allowed by ClusterNetworkPolicy/port-range-rules ingress[0]
        luna-lovegood-1  -> harry-potter-0 udp/53    denied by ClusterNetworkPolicy/port-range-rules ingress[3]
        cedric-diggory-0 -> harry-potter-0 udp/53    allowed by ClusterNetworkPolicy/port-range-rules ingress[1]
        cedric-diggory-0 -> harry-potter-0 udp/5353  allowed by ClusterNetworkPolicy/port-range-rules ingress[1]
        cedric-diggory-1 -> harry-potter-0 tcp/80    denied by ClusterNetworkPolicy/port-range-rules ingress[3]
        draco-malfoy-0   -> harry-potter-0 sctp/9003 allowed by ClusterNetworkPolicy/port-range-rules ingress[2]
        draco-malfoy-0   -> harry-potter-0 sctp/9005 allowed by ClusterNetworkPolicy/port-range-rules ingress[2]
        draco-malfoy-1   -> harry-potter-0 tcp/80    denied by ClusterNetworkPolicy/port-range-rules ingress[3]
        """);
  }

  @Test
  void cnpAdminTierSamePriority() {
    Hogwarts hogwarts = Hogwarts.with("cnp/same-priority-1.yaml", "cnp/same-priority-2.yaml");
    // traffic matching same-priority disjoint policies
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0   tcp/80 allowed by ClusterNetworkPolicy/same-priority-1 ingress[0]
        draco-malfoy-0  -> cedric-diggory-0 tcp/80 allowed by ClusterNetworkPolicy/same-priority-2 ingress[0]
        """);
    // traffic not matching them
    hogwarts.expect("""
        draco-malfoy-0  -> harry-potter-0   tcp/80 denied by ClusterNetworkPolicy/same-priority-1 ingress[1]
        luna-lovegood-0 -> cedric-diggory-0 tcp/80 denied by ClusterNetworkPolicy/same-priority-2 ingress[1]
        """);
  }

  /**
   * CNPAdminTierSamePriority as conformance/tests/admin-network-policy-standard-same-priority.go has it (the ShortName
   * of admin-network-policy-same-priority.go above, rewritten upstream): three Admin-tier policies at one priority, two
   * sharing a subject with disjoint peers, two denying the same peer from different subjects, each at its own port.
   */
  @Test
  void cnpAdminTierSamePriorityAcrossSubjects() {
    Hogwarts hogwarts = Hogwarts.with("cnp/admin-same-priority.yaml");
    String gs = "ClusterNetworkPolicy/same-priority-gryffindor-slytherin";
    String gh = "ClusterNetworkPolicy/same-priority-gryffindor-hufflepuff";
    String hs = "ClusterNetworkPolicy/same-priority-hufflepuff-slytherin";
    // each same-priority policy denies in both directions
    hogwarts.expect("""
        draco-malfoy-0   -> harry-potter-0   tcp/80   denied by GS ingress[0]
        harry-potter-0   -> draco-malfoy-0   tcp/80   denied by GS egress[0]
        cedric-diggory-0 -> harry-potter-0   tcp/80   denied by GH ingress[0]
        harry-potter-1   -> cedric-diggory-0 tcp/80   denied by GH egress[0]
        draco-malfoy-1   -> cedric-diggory-0 tcp/8080 denied by HS ingress[0]
        cedric-diggory-1 -> draco-malfoy-0   tcp/8080 denied by HS egress[0]
        """.replace("GS", gs).replace("GH", gh).replace("HS", hs));
    // one policy's rules never apply to another policy's subject
    hogwarts.expect("""
        draco-malfoy-0   -> harry-potter-0   tcp/8080 allowed by default
        harry-potter-0   -> draco-malfoy-0   tcp/8080 allowed by default
        draco-malfoy-1   -> cedric-diggory-0 tcp/80   allowed by default
        cedric-diggory-0 -> draco-malfoy-0   tcp/80   allowed by default
        """);
    // traffic matching no policy
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0  tcp/80 allowed by default
        harry-potter-1  -> luna-lovegood-0 tcp/80 allowed by default
        """);
  }

  /**
   * Not upstream (it leaves the order undefined): when policies of one priority overlap, Flowtel
   * evaluates AdminNetworkPolicies before ClusterNetworkPolicies, then by name, so a verdict never
   * depends on the order policies were read in.
   */
  @Test
  void overlappingPoliciesOfOnePriorityGoByKindThenName() {
    Hogwarts hogwarts = Hogwarts.with("cnp/same-priority-1.yaml", "cnp/same-priority-2.yaml")
        .setSubjectOf("same-priority-2", "same-priority-1");
    // both now select gryffindor at priority 15: same-priority-1 (first by name) allows ravenclaw and denies the rest
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80 allowed by ClusterNetworkPolicy/same-priority-1 ingress[0]
        draco-malfoy-0  -> harry-potter-0 tcp/80 denied by ClusterNetworkPolicy/same-priority-1 ingress[1]
        """);
    Hogwarts reversed = Hogwarts.with("cnp/same-priority-2.yaml", "cnp/same-priority-1.yaml")
        .setSubjectOf("same-priority-2", "same-priority-1");
    reversed.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80 denied by ClusterNetworkPolicy/same-priority-1 ingress[1]
        """);
  }

  @Test
  void cnpAdminTierEgressInlineCidrPeers() {
    inlineCidrPeers(Hogwarts.with("cnp/standard-egress-inline-cidr.yaml"), ClusterNetworkPolicy,
        "inline-cidr-as-peers-example", ClusterRuleAction.Accept);
  }

  /** BaselineAdminNetworkPolicyEgressInlineCIDRPeers (baseline-admin-network-policy-standard-egress-inline-cidr-rules.go). */
  @Test
  void baselineAdminNetworkPolicyEgressInlineCidrPeers() {
    inlineCidrPeers(Hogwarts.with("banp/standard-egress-inline-cidr.yaml"), ClusterPolicyKind.BaselineAdminNetworkPolicy,
        "default", ClusterRuleAction.Allow);
  }

  private static void inlineCidrPeers(Hogwarts hogwarts, ClusterPolicyKind kind, String name, ClusterRuleAction allow) {
    String p = kind + "/" + name;
    // deny-egress to 0.0.0.0/0, which holds pod addresses too; slytherin is accepted first
    hogwarts.expect("""
        harry-potter-1 -> luna-lovegood-0  tcp/80    denied by P egress[1]
        harry-potter-1 -> luna-lovegood-0  udp/53    denied by P egress[1]
        harry-potter-1 -> luna-lovegood-0  sctp/9003 denied by P egress[1]
        harry-potter-1 -> cedric-diggory-0 tcp/80    denied by P egress[1]
        harry-potter-1 -> cedric-diggory-0 udp/53    denied by P egress[1]
        harry-potter-1 -> cedric-diggory-0 sctp/9003 denied by P egress[1]
        harry-potter-1 -> draco-malfoy-0   tcp/80    allowed by P egress[0]
        harry-potter-1 -> draco-malfoy-0   udp/53    allowed by P egress[0]
        harry-potter-1 -> draco-malfoy-0   sctp/9003 allowed by P egress[0]
        """.replace("P", p));
    // an Accept for luna-lovegood-0's and cedric-diggory-0's addresses, put first
    hogwarts.insertRule(kind, name, PolicyType.Egress, 0,
        new ClusterPolicyRule("allow-egress-to-specific-podIPs", allow, List.of(new ClusterPeer.Networks(
            List.of(Cidr.parse(hogwarts.pod("luna-lovegood-0").ip() + "/32"), Cidr.parse(hogwarts.pod("cedric-diggory-0").ip() + "/32")))),
            List.of())).expect("""
        harry-potter-1 -> luna-lovegood-0  tcp/80    allowed by P egress[0]
        harry-potter-1 -> luna-lovegood-0  udp/53    allowed by P egress[0]
        harry-potter-1 -> luna-lovegood-0  sctp/9003 allowed by P egress[0]
        harry-potter-1 -> cedric-diggory-0 tcp/80    allowed by P egress[0]
        harry-potter-1 -> cedric-diggory-0 udp/53    allowed by P egress[0]
        harry-potter-1 -> cedric-diggory-0 sctp/9003 allowed by P egress[0]
        harry-potter-1 -> luna-lovegood-1  tcp/80    denied by P egress[2]
        harry-potter-1 -> luna-lovegood-1  udp/53    denied by P egress[2]
        harry-potter-1 -> luna-lovegood-1  sctp/9003 denied by P egress[2]
        harry-potter-1 -> cedric-diggory-1 tcp/80    denied by P egress[2]
        harry-potter-1 -> cedric-diggory-1 udp/53    denied by P egress[2]
        harry-potter-1 -> cedric-diggory-1 sctp/9003 denied by P egress[2]
        """.replace("P", p));
  }

  @Test
  void cnpAdminTierIngressRulesEgressUnaffected() {
    Hogwarts.with("cnp/standard-ingress-isolation.yaml").expect("""
        draco-malfoy-0 -> harry-potter-0   tcp/80 denied by ClusterNetworkPolicy/admin-ingress-isolation ingress[0]
        harry-potter-0 -> luna-lovegood-0  tcp/80 allowed by default
        harry-potter-0 -> cedric-diggory-0 tcp/80 allowed by default
        """);
  }

  @Test
  void cnpAdminTierEgressRulesIngressUnaffected() {
    Hogwarts.with("cnp/standard-egress-isolation.yaml").expect("""
        harry-potter-0   -> draco-malfoy-0 tcp/80 denied by ClusterNetworkPolicy/admin-egress-isolation egress[0]
        luna-lovegood-0  -> harry-potter-0 tcp/80 allowed by default
        cedric-diggory-0 -> harry-potter-0 tcp/80 allowed by default
        """);
  }

  @Test
  void cnpAdminTierHairpin() {
    // harry-potter-0 to its own Service: whichever backend answers, even itself, ingress from gryffindor is denied
    Hogwarts.with("cnp/hairpin-rules.yaml").expect("""
        harry-potter-0 -> harry-potter-0 tcp/80 denied by ClusterNetworkPolicy/hairpin-ingress-deny ingress[0]
        harry-potter-0 -> harry-potter-1 tcp/80 denied by ClusterNetworkPolicy/hairpin-ingress-deny ingress[0]
        """);
  }

  @Test
  void cnpAdminTierPodSelector() {
    podSelector(Hogwarts.with("cnp/standard-pod-selector-rules.yaml"));
  }

  /** CNPBaselineTierPodSelector (conformance/tests/baseline-admin-network-policy-standard-pod-selector-rules.go). */
  @Test
  void cnpBaselineTierPodSelector() {
    podSelector(Hogwarts.with("cnp/baseline-pod-selector-rules.yaml"));
  }

  private static void podSelector(Hogwarts hogwarts) {
    // pod selectors in egress peers
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0  tcp/80 denied by ClusterNetworkPolicy/pod-selector-rules egress[0]
        harry-potter-0 -> cedric-diggory-0 tcp/80 denied by ClusterNetworkPolicy/pod-selector-rules egress[1]
        harry-potter-0 -> cedric-diggory-1 tcp/80 allowed by default
        """);
    // pod selectors in ingress peers
    hogwarts.expect("""
        draco-malfoy-0   -> harry-potter-0 tcp/80 denied by ClusterNetworkPolicy/pod-selector-rules ingress[0]
        cedric-diggory-0 -> harry-potter-0 tcp/80 denied by ClusterNetworkPolicy/pod-selector-rules ingress[1]
        cedric-diggory-1 -> harry-potter-0 tcp/80 allowed by default
        """);
    // pod selectors in the subject
    hogwarts.expect("""
        draco-malfoy-0  -> cedric-diggory-0 tcp/80 allowed by default
        luna-lovegood-0 -> draco-malfoy-0   tcp/80 denied by ClusterNetworkPolicy/pod-name-subject-rules egress[0]
        luna-lovegood-1 -> draco-malfoy-0   tcp/80 allowed by default
        """);
  }
}
