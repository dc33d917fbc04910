package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.AdminNetworkPolicy;
import static dev.flowtel.core.policy.ClusterPolicyKind.BaselineAdminNetworkPolicy;
import static dev.flowtel.core.policy.ClusterPolicyKind.ClusterNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.ClusterPolicyKind;
import org.junit.jupiter.api.Test;

/**
 * The core AdminNetworkPolicy scenarios of sig-network's conformance suite
 * (kubernetes-sigs/network-policy-api, conformance/tests/admin-network-policy-core-*.go), one test per
 * upstream ConformanceTest, its subtests in order and on the same policies, as upstream runs them: a
 * rule swap made in one subtest stays for the next. Every PokeServer call is one probe line, with the
 * rule the Go test's comment says takes effect.
 */
class AdminNetworkPolicyCoreTest {

  private static final String INGRESS_TCP = "AdminNetworkPolicy/ingress-tcp";
  private static final String EGRESS_TCP = "AdminNetworkPolicy/egress-tcp";
  private static final String GRESS = "AdminNetworkPolicy/gress-rules";

  @Test
  void adminNetworkPolicyIngressTCP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-ingress-tcp.yaml");
    // allow-ingress; rule ordering is respected
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by AdminNetworkPolicy/ingress-tcp ingress[0]
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by AdminNetworkPolicy/ingress-tcp ingress[0]
        """);
    // allow-ingress at the specified port
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by AdminNetworkPolicy/ingress-tcp ingress[5]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by AdminNetworkPolicy/ingress-tcp ingress[6]
        """);
    // deny-ingress; rule ordering is respected (rules 0 and 1 swapped)
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 tcp/80   denied by AdminNetworkPolicy/ingress-tcp ingress[0]
        luna-lovegood-1 -> harry-potter-1 tcp/8080 denied by AdminNetworkPolicy/ingress-tcp ingress[0]
        """);
    // deny-ingress at the specified port
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by AdminNetworkPolicy/ingress-tcp ingress[3]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """);
    // pass-ingress; rule ordering is respected (rules 0 and 2 swapped): nothing below the admin tier decides
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 0, 2).expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by default
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by default
        """);
    // pass-ingress at the specified port (rules 3 and 4 swapped)
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-tcp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   allowed by default
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """);
    assertPassed(hogwarts, "draco-malfoy-0", "harry-potter-0", INGRESS_TCP + " ingress[3]");
  }

  @Test
  void adminNetworkPolicyIngressPodSelectorTCP() {
    Hogwarts.with("anp/core-ingress-tcp.yaml").expect("""
        professor-dumbledore-0 -> harry-potter-0 tcp/8080 allowed by AdminNetworkPolicy/ingress-tcp ingress[8]
        professor-quirrell-0   -> harry-potter-0 tcp/8080 denied by AdminNetworkPolicy/ingress-tcp ingress[7]
        """);
  }

  @Test
  void adminNetworkPolicyIngressUDP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-ingress-udp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-0 udp/53   allowed by AdminNetworkPolicy/ingress-udp ingress[0]
        luna-lovegood-1 -> cedric-diggory-0 udp/5353 allowed by AdminNetworkPolicy/ingress-udp ingress[0]
        """);
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by AdminNetworkPolicy/ingress-udp ingress[5]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by AdminNetworkPolicy/ingress-udp ingress[6]
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-udp", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/53   denied by AdminNetworkPolicy/ingress-udp ingress[0]
        luna-lovegood-1 -> cedric-diggory-1 udp/5353 denied by AdminNetworkPolicy/ingress-udp ingress[0]
        """);
    hogwarts.expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 denied by AdminNetworkPolicy/ingress-udp ingress[3]
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-udp", PolicyType.Ingress, 0, 2).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/5353 allowed by default
        luna-lovegood-1 -> cedric-diggory-1 udp/53   allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-udp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 allowed by default
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyIngressSCTP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-ingress-sctp.yaml");
    // upstream's comment names ingress[9] for Dumbledore's Allow; in the policy it is rule 8, rule 9 denies the rest
    hogwarts.expect("""
        harry-potter-0         -> luna-lovegood-0 sctp/9003 allowed by AdminNetworkPolicy/ingress-sctp ingress[0]
        harry-potter-1         -> luna-lovegood-0 sctp/9005 allowed by AdminNetworkPolicy/ingress-sctp ingress[0]
        professor-dumbledore-0 -> luna-lovegood-0 sctp/9003 allowed by AdminNetworkPolicy/ingress-sctp ingress[8]
        professor-dumbledore-0 -> luna-lovegood-0 tcp/80    denied by AdminNetworkPolicy/ingress-sctp ingress[9]
        """);
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-1 sctp/9003 allowed by AdminNetworkPolicy/ingress-sctp ingress[5]
        cedric-diggory-1 -> luna-lovegood-1 sctp/9005 denied by AdminNetworkPolicy/ingress-sctp ingress[6]
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 denied by AdminNetworkPolicy/ingress-sctp ingress[0]
        harry-potter-1 -> luna-lovegood-1 sctp/9005 denied by AdminNetworkPolicy/ingress-sctp ingress[0]
        """);
    hogwarts.expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 denied by AdminNetworkPolicy/ingress-sctp ingress[3]
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 0, 2).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 allowed by default
        harry-potter-1 -> luna-lovegood-1 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "ingress-sctp", PolicyType.Ingress, 3, 4).expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 allowed by default
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyIngressPodSelector() {
    Hogwarts.with("anp/core-ingress-sctp.yaml").expect("""
        professor-dumbledore-0 -> luna-lovegood-0 sctp/9003 allowed by AdminNetworkPolicy/ingress-sctp ingress[8]
        professor-dumbledore-0 -> luna-lovegood-0 tcp/80    denied by AdminNetworkPolicy/ingress-sctp ingress[9]
        professor-quirrell-0   -> luna-lovegood-0 sctp/9003 denied by AdminNetworkPolicy/ingress-sctp ingress[7]
        professor-quirrell-0   -> luna-lovegood-0 tcp/80    allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyEgressTCP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-egress-tcp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by AdminNetworkPolicy/egress-tcp egress[0]
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by AdminNetworkPolicy/egress-tcp egress[0]
        """);
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/8080 allowed by AdminNetworkPolicy/egress-tcp egress[5]
        harry-potter-1 -> cedric-diggory-1 tcp/80   denied by AdminNetworkPolicy/egress-tcp egress[6]
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-tcp", PolicyType.Egress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 tcp/80   denied by AdminNetworkPolicy/egress-tcp egress[0]
        harry-potter-1 -> luna-lovegood-1 tcp/8080 denied by AdminNetworkPolicy/egress-tcp egress[0]
        """);
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by AdminNetworkPolicy/egress-tcp egress[3]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-tcp", PolicyType.Egress, 0, 2).expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by default
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-tcp", PolicyType.Egress, 3, 4).expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   allowed by default
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyEgressUDP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-egress-udp.yaml");
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-0 udp/53   allowed by AdminNetworkPolicy/egress-udp egress[0]
        cedric-diggory-1 -> luna-lovegood-0 udp/5353 allowed by AdminNetworkPolicy/egress-udp egress[0]
        """);
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by AdminNetworkPolicy/egress-udp egress[5]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by AdminNetworkPolicy/egress-udp egress[6]
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-udp", PolicyType.Egress, 0, 1).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/53   denied by AdminNetworkPolicy/egress-udp egress[0]
        cedric-diggory-1 -> luna-lovegood-1 udp/5353 denied by AdminNetworkPolicy/egress-udp egress[0]
        """);
    hogwarts.expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 denied by AdminNetworkPolicy/egress-udp egress[3]
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-udp", PolicyType.Egress, 0, 2).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/5353 allowed by default
        cedric-diggory-1 -> luna-lovegood-1 udp/53   allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-udp", PolicyType.Egress, 3, 4).expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 allowed by default
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyEgressSCTP() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-egress-sctp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 sctp/9003 allowed by AdminNetworkPolicy/egress-sctp egress[0]
        luna-lovegood-1 -> harry-potter-0 sctp/9005 allowed by AdminNetworkPolicy/egress-sctp egress[0]
        """);
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-1 sctp/9003 allowed by AdminNetworkPolicy/egress-sctp egress[5]
        luna-lovegood-1 -> cedric-diggory-1 sctp/9005 denied by AdminNetworkPolicy/egress-sctp egress[6]
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-sctp", PolicyType.Egress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 denied by AdminNetworkPolicy/egress-sctp egress[0]
        luna-lovegood-1 -> harry-potter-1 sctp/9005 denied by AdminNetworkPolicy/egress-sctp egress[0]
        """);
    hogwarts.expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 denied by AdminNetworkPolicy/egress-sctp egress[3]
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-sctp", PolicyType.Egress, 0, 2).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 allowed by default
        luna-lovegood-1 -> harry-potter-1 sctp/9005 allowed by default
        """);
    hogwarts.swapRules(AdminNetworkPolicy, "egress-sctp", PolicyType.Egress, 3, 4).expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 allowed by default
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """);
  }

  @Test
  void adminNetworkPolicyGress() {
    Hogwarts hogwarts = Hogwarts.with("anp/core-gress-rules.yaml");
    adminTierGress(hogwarts, AdminNetworkPolicy, "gress-rules");
    assertPassed(hogwarts, "harry-potter-0", "draco-malfoy-0", GRESS + " egress[3]");
  }

  /**
   * The subtests of AdminNetworkPolicyGress, and of CNPAdminTierGress (admin-network-policy-standard-gress-rules.go), which
   * probes the same seven rules each way written in v1alpha2: allow, deny and pass across TCP, UDP and SCTP.
   */
  static void adminTierGress(Hogwarts hogwarts, ClusterPolicyKind kind, String name) {
    String p = kind + "/" + name;
    // allow-gress across protocols
    hogwarts.expect("""
        harry-potter-0  -> luna-lovegood-0 tcp/80    allowed by P egress[0]
        harry-potter-1  -> luna-lovegood-0 udp/53    allowed by P egress[0]
        harry-potter-0  -> luna-lovegood-0 sctp/9003 allowed by P egress[0]
        luna-lovegood-0 -> harry-potter-0  tcp/80    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  udp/53    allowed by P ingress[0]
        luna-lovegood-1 -> harry-potter-0  sctp/9003 allowed by P ingress[0]
        """.replace("P", p));
    // allow-gress across protocols at the specified ports
    hogwarts.expect("""
        harry-potter-0   -> cedric-diggory-1 tcp/8080  allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 tcp/80    denied by P egress[6]
        harry-potter-0   -> cedric-diggory-1 udp/5353  allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 udp/53    denied by P egress[6]
        harry-potter-0   -> cedric-diggory-1 sctp/9003 allowed by P egress[5]
        harry-potter-1   -> cedric-diggory-1 sctp/9005 denied by P egress[6]
        cedric-diggory-0 -> harry-potter-1   tcp/80    allowed by P ingress[5]
        cedric-diggory-1 -> harry-potter-1   tcp/8080  denied by P ingress[6]
        cedric-diggory-0 -> harry-potter-1   udp/5353  allowed by P ingress[5]
        cedric-diggory-1 -> harry-potter-1   udp/53    denied by P ingress[6]
        cedric-diggory-0 -> harry-potter-1   sctp/9003 allowed by P ingress[5]
        cedric-diggory-1 -> harry-potter-1   sctp/9005 denied by P ingress[6]
        """.replace("P", p));
    // deny-gress across protocols (rules 0 and 1 swapped in both directions)
    hogwarts.swapRules(kind, name, PolicyType.Egress, 0, 1)
        .swapRules(kind, name, PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0  -> luna-lovegood-1 tcp/80    denied by P egress[0]
        harry-potter-1  -> luna-lovegood-1 udp/53    denied by P egress[0]
        harry-potter-0  -> luna-lovegood-1 sctp/9003 denied by P egress[0]
        luna-lovegood-0 -> harry-potter-1  tcp/80    denied by P ingress[0]
        luna-lovegood-1 -> harry-potter-1  udp/53    denied by P ingress[0]
        luna-lovegood-1 -> harry-potter-1  sctp/9003 denied by P ingress[0]
        """.replace("P", p));
    // deny-gress across protocols at the specified ports
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80    denied by P egress[3]
        harry-potter-1 -> draco-malfoy-0 tcp/8080  allowed by default
        harry-potter-0 -> draco-malfoy-0 udp/53    denied by P egress[3]
        harry-potter-1 -> draco-malfoy-0 udp/5353  allowed by default
        harry-potter-0 -> draco-malfoy-0 sctp/9003 denied by P egress[3]
        harry-potter-1 -> draco-malfoy-0 sctp/9005 allowed by default
        draco-malfoy-0 -> harry-potter-0 tcp/80    denied by P ingress[3]
        draco-malfoy-1 -> harry-potter-0 tcp/8080  allowed by default
        draco-malfoy-0 -> harry-potter-0 udp/53    denied by P ingress[3]
        draco-malfoy-1 -> harry-potter-0 udp/5353  allowed by default
        draco-malfoy-0 -> harry-potter-0 sctp/9003 denied by P ingress[3]
        draco-malfoy-1 -> harry-potter-0 sctp/9005 allowed by default
        """.replace("P", p));
    // pass-gress across protocols (rules 0 and 2 swapped in both directions)
    hogwarts.swapRules(kind, name, PolicyType.Egress, 0, 2)
        .swapRules(kind, name, PolicyType.Ingress, 0, 2).expect("""
        harry-potter-0  -> luna-lovegood-0 tcp/80    allowed by default
        harry-potter-0  -> luna-lovegood-0 udp/5353  allowed by default
        harry-potter-0  -> luna-lovegood-0 sctp/9003 allowed by default
        luna-lovegood-0 -> harry-potter-0  tcp/80    allowed by default
        luna-lovegood-1 -> harry-potter-0  udp/53    allowed by default
        luna-lovegood-1 -> harry-potter-0  sctp/9003 allowed by default
        """.replace("P", p));
    // pass-gress across protocols at the specified ports (rules 3 and 4 swapped in both directions)
    hogwarts.swapRules(kind, name, PolicyType.Egress, 3, 4)
        .swapRules(kind, name, PolicyType.Ingress, 3, 4).expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80    allowed by default
        harry-potter-1 -> draco-malfoy-0 tcp/8080  allowed by default
        harry-potter-0 -> draco-malfoy-0 udp/53    allowed by default
        harry-potter-1 -> draco-malfoy-0 udp/5353  allowed by default
        harry-potter-0 -> draco-malfoy-0 sctp/9003 allowed by default
        harry-potter-1 -> draco-malfoy-0 sctp/9005 allowed by default
        draco-malfoy-0 -> harry-potter-0 tcp/80    allowed by default
        draco-malfoy-1 -> harry-potter-0 tcp/8080  allowed by default
        draco-malfoy-0 -> harry-potter-0 udp/53    allowed by default
        draco-malfoy-1 -> harry-potter-0 udp/5353  allowed by default
        draco-malfoy-0 -> harry-potter-0 sctp/9003 allowed by default
        draco-malfoy-1 -> harry-potter-0 sctp/9005 allowed by default
        """.replace("P", p));
  }

  @Test
  void adminNetworkPolicyPodSelectorGress() {
    Hogwarts.with("anp/core-gress-rules.yaml").expect("""
        professor-dumbledore-0 -> harry-potter-0 tcp/8080  allowed by AdminNetworkPolicy/gress-rules ingress[7]
        professor-dumbledore-0 -> harry-potter-0 udp/5353  allowed by AdminNetworkPolicy/gress-rules ingress[7]
        professor-dumbledore-0 -> harry-potter-0 sctp/9003 allowed by AdminNetworkPolicy/gress-rules ingress[7]
        professor-quirrell-0   -> harry-potter-0 tcp/8080  denied by AdminNetworkPolicy/gress-rules ingress[9]
        professor-quirrell-0   -> harry-potter-0 udp/5353  denied by AdminNetworkPolicy/gress-rules ingress[9]
        professor-quirrell-0   -> harry-potter-0 sctp/9003 denied by AdminNetworkPolicy/gress-rules ingress[9]
        """);
  }

  @Test
  void adminNetworkPolicyPriorityField() {
    priorityField(Hogwarts.with("anp/core-priority.yaml"), AdminNetworkPolicy, BaselineAdminNetworkPolicy);
  }

  /** CNPAdminTierPriorityField (conformance/tests/admin-network-policy-standard-priority.go): the same, in v1alpha2. */
  @Test
  void cnpAdminTierPriorityField() {
    priorityField(Hogwarts.with("cnp/standard-priority-field.yaml"), ClusterNetworkPolicy, ClusterNetworkPolicy);
  }

  private static void priorityField(Hogwarts hogwarts, ClusterPolicyKind admin, ClusterPolicyKind baseline) {
    // priority 50's Deny comes before priority 60's Pass
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by A/priority-50-example ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 denied by A/priority-50-example ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by A/priority-50-example egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 denied by A/priority-50-example egress[0]
        """.replace("A/", admin + "/"));
    // the Pass moved to priority 40 now comes first: the baseline tier's Allow decides
    hogwarts.setPriority(admin, "old-priority-60-new-priority-40-example", 40).expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   allowed by B/default ingress[0]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by B/default ingress[0]
        harry-potter-0 -> draco-malfoy-0 tcp/80   allowed by B/default egress[0]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by B/default egress[0]
        """.replace("B/", baseline + "/"));
    assertPassed(hogwarts, "draco-malfoy-0", "harry-potter-0", admin + "/old-priority-60-new-priority-40-example ingress[0]");
  }

  /** The verdict also names the Pass rule that sent the connection on, in its direction. */
  static void assertPassed(Hogwarts hogwarts, String from, String to, String passRule) {
    var verdict = hogwarts.probe(from, to, dev.flowtel.core.policy.Protocol.TCP, 80);
    var passed = java.util.stream.Stream.of(verdict.egress(), verdict.ingress())
        .map(d -> d.passedBy()).filter(java.util.Objects::nonNull)
        .map(r -> r.policy() + " " + r.type().fieldName() + "[" + r.index() + "]").toList();
    org.assertj.core.api.Assertions.assertThat(passed).contains(passRule);
  }
}
