package dev.flowtel.core.policy.conformance;

import static dev.flowtel.core.policy.ClusterPolicyKind.BaselineAdminNetworkPolicy;

import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPort;
import org.junit.jupiter.api.Test;

/**
 * The core BaselineAdminNetworkPolicy scenarios (conformance/tests/baseline-admin-network-policy-core-*.go:
 * ingress and egress over TCP, UDP and SCTP, pod selectors, named ports, and the gress rules over three protocols;
 * BaselineAdminNetworkPolicyIngressNamedPort, which upstream later moved to
 * baseline-admin-network-policy-extended-ingress-rules.go), the gress probes against the same rules written as a
 * v1alpha2 ClusterNetworkPolicy in the Baseline tier, and CNPBaselineTierSamePriority
 * (baseline-admin-network-policy-standard-same-priority.go): with no NetworkPolicy selecting gryffindor, the baseline
 * tier's first matching rule decides.
 */
class BaselineAdminNetworkPolicyCoreTest {

  private static final String B = "BaselineAdminNetworkPolicy/default";

  @Test
  void baselineAdminNetworkPolicyIngressTCP() {
    Hogwarts hogwarts = Hogwarts.with("banp/core-ingress-tcp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 tcp/80   allowed by B ingress[0]
        luna-lovegood-1 -> harry-potter-0 tcp/8080 allowed by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by B ingress[3]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by B ingress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 tcp/80   denied by B ingress[0]
        luna-lovegood-1 -> harry-potter-1 tcp/8080 denied by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        draco-malfoy-0 -> harry-potter-0 tcp/80   denied by B ingress[2]
        draco-malfoy-1 -> harry-potter-0 tcp/8080 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyIngressPodSelectorTCP() {
    // upstream probes Dumbledore on 8080 and expects a connection: no rule matches it (his Allow is for 80)
    Hogwarts.with("banp/core-ingress-tcp.yaml").expect("""
        professor-dumbledore-0 -> harry-potter-1 tcp/8080 allowed by default
        professor-quirrell-0   -> harry-potter-1 tcp/80   denied by B ingress[5]
        professor-quirrell-0   -> harry-potter-1 tcp/8080 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyIngressNamedPort() {
    // ingress[3] (TCP 80 from hufflepuff) becomes namedPort web, which the pods define as TCP 80
    Hogwarts.with("banp/core-ingress-tcp.yaml")
        .setPorts(BaselineAdminNetworkPolicy, "default", PolicyType.Ingress, 3, new ClusterPort.Named("web")).expect("""
        cedric-diggory-0 -> harry-potter-1 tcp/80   allowed by B ingress[3]
        cedric-diggory-1 -> harry-potter-1 tcp/8080 denied by B ingress[4]
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressTCP() {
    Hogwarts hogwarts = Hogwarts.with("banp/core-egress-tcp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 tcp/80   allowed by B egress[0]
        harry-potter-1 -> luna-lovegood-0 tcp/8080 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 tcp/8080 allowed by B egress[3]
        harry-potter-1 -> cedric-diggory-1 tcp/80   denied by B egress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 tcp/80   denied by B egress[0]
        harry-potter-1 -> luna-lovegood-1 tcp/8080 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> draco-malfoy-0 tcp/80   denied by B egress[2]
        harry-potter-1 -> draco-malfoy-0 tcp/8080 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressPodSelectorTCP() {
    Hogwarts.with("banp/core-egress-tcp.yaml").expect("""
        harry-potter-0 -> professor-dumbledore-0 tcp/80 allowed by B egress[6]
        harry-potter-0 -> professor-quirrell-0   tcp/80 denied by B egress[5]
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyIngressUDP() {
    // upstream's comments name ingress[5] and [6]; in the policy the gryffindor rules are 3 and 4
    Hogwarts hogwarts = Hogwarts.with("banp/core-ingress-udp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-0 udp/53   allowed by B ingress[0]
        luna-lovegood-1 -> cedric-diggory-0 udp/5353 allowed by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        harry-potter-0 -> cedric-diggory-1 udp/53   allowed by B ingress[3]
        harry-potter-1 -> cedric-diggory-1 udp/5353 denied by B ingress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        luna-lovegood-0 -> cedric-diggory-1 udp/53   denied by B ingress[0]
        luna-lovegood-1 -> cedric-diggory-1 udp/5353 denied by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        draco-malfoy-0 -> cedric-diggory-0 udp/5353 denied by B ingress[2]
        draco-malfoy-1 -> cedric-diggory-0 udp/53   allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressUDP() {
    Hogwarts hogwarts = Hogwarts.with("banp/core-egress-udp.yaml");
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-0 udp/53   allowed by B egress[0]
        cedric-diggory-1 -> luna-lovegood-0 udp/5353 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by B egress[3]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by B egress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        cedric-diggory-0 -> luna-lovegood-1 udp/53   denied by B egress[0]
        cedric-diggory-1 -> luna-lovegood-1 udp/5353 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> draco-malfoy-0 udp/5353 denied by B egress[2]
        cedric-diggory-1 -> draco-malfoy-0 udp/53   allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressNamedPort() {
    // egress[3] (UDP 53 to gryffindor) becomes namedPort dns, which the pods define as UDP 53
    Hogwarts.with("banp/core-egress-udp.yaml")
        .setPorts(BaselineAdminNetworkPolicy, "default", PolicyType.Egress, 3, new ClusterPort.Named("dns")).expect("""
        cedric-diggory-0 -> harry-potter-1 udp/53   allowed by B egress[3]
        cedric-diggory-1 -> harry-potter-1 udp/5353 denied by B egress[4]
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressPodSelectorUDP() {
    // the second probe starts in ravenclaw, which is no subject: nothing decides
    Hogwarts.with("banp/core-egress-udp.yaml").expect("""
        cedric-diggory-0 -> professor-quirrell-0   udp/53 denied by B egress[5]
        luna-lovegood-0  -> professor-dumbledore-0 udp/53 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyIngressSCTP() {
    // upstream's comments name ingress[5], [6] and [3]; in the policy hufflepuff's rules are 3 and 4, slytherin's 2
    Hogwarts hogwarts = Hogwarts.with("banp/core-ingress-sctp.yaml");
    hogwarts.expect("""
        harry-potter-0 -> luna-lovegood-0 sctp/9003 allowed by B ingress[0]
        harry-potter-1 -> luna-lovegood-0 sctp/9005 allowed by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        cedric-diggory-0 -> luna-lovegood-1 sctp/9003 allowed by B ingress[3]
        cedric-diggory-1 -> luna-lovegood-1 sctp/9005 denied by B ingress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Ingress, 0, 1).expect("""
        harry-potter-0 -> luna-lovegood-1 sctp/9003 denied by B ingress[0]
        harry-potter-1 -> luna-lovegood-1 sctp/9005 denied by B ingress[0]
        """.replace("B", B));
    hogwarts.expect("""
        draco-malfoy-0 -> luna-lovegood-0 sctp/9003 denied by B ingress[2]
        draco-malfoy-1 -> luna-lovegood-0 sctp/9005 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyEgressSCTP() {
    Hogwarts hogwarts = Hogwarts.with("banp/core-egress-sctp.yaml");
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-0 sctp/9003 allowed by B egress[0]
        luna-lovegood-1 -> harry-potter-0 sctp/9005 allowed by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        luna-lovegood-0 -> cedric-diggory-1 sctp/9003 allowed by B egress[3]
        luna-lovegood-1 -> cedric-diggory-1 sctp/9005 denied by B egress[4]
        """.replace("B", B));
    hogwarts.swapRules(BaselineAdminNetworkPolicy, "default", PolicyType.Egress, 0, 1).expect("""
        luna-lovegood-0 -> harry-potter-1 sctp/9003 denied by B egress[0]
        luna-lovegood-1 -> harry-potter-1 sctp/9005 denied by B egress[0]
        """.replace("B", B));
    hogwarts.expect("""
        luna-lovegood-0 -> draco-malfoy-0 sctp/9003 denied by B egress[2]
        luna-lovegood-1 -> draco-malfoy-0 sctp/9005 allowed by default
        """.replace("B", B));
  }

  @Test
  void baselineAdminNetworkPolicyGress() {
    gress(Hogwarts.with("banp/core-gress-rules.yaml"), BaselineAdminNetworkPolicy, "default");
  }

  @Test
  void clusterNetworkPolicyBaselineTierGress() {
    gress(Hogwarts.with("cnp/baseline-gress-rules.yaml"), ClusterPolicyKind.ClusterNetworkPolicy, "default");
  }

  /** The subtests of BaselineAdminNetworkPolicyGress, and of CNPBaselineTierGress on the same rules in v1alpha2. */
  static void gress(Hogwarts hogwarts, ClusterPolicyKind kind, String name) {
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

  @Test
  void cnpBaselineTierSamePriority() {
    Hogwarts hogwarts = Hogwarts.with("cnp/baseline-same-priority.yaml");
    String gs = "ClusterNetworkPolicy/baseline-same-priority-gryffindor-slytherin";
    String gh = "ClusterNetworkPolicy/baseline-same-priority-gryffindor-hufflepuff";
    String hs = "ClusterNetworkPolicy/baseline-same-priority-hufflepuff-slytherin";
    // each same-priority policy denies in both directions
    hogwarts.expect("""
        draco-malfoy-0   -> harry-potter-1   tcp/80   denied by GS ingress[0]
        harry-potter-0   -> draco-malfoy-1   tcp/80   denied by GS egress[0]
        cedric-diggory-0 -> harry-potter-1   tcp/80   denied by GH ingress[0]
        harry-potter-1   -> cedric-diggory-1 tcp/80   denied by GH egress[0]
        draco-malfoy-1   -> cedric-diggory-1 tcp/8080 denied by HS ingress[0]
        cedric-diggory-1 -> draco-malfoy-1   tcp/8080 denied by HS egress[0]
        """.replace("GS", gs).replace("GH", gh).replace("HS", hs));
    // one policy's rules never apply to another policy's subject
    hogwarts.expect("""
        draco-malfoy-0   -> harry-potter-1   tcp/8080 allowed by default
        harry-potter-0   -> draco-malfoy-1   tcp/8080 allowed by default
        draco-malfoy-1   -> cedric-diggory-1 tcp/80   allowed by default
        cedric-diggory-0 -> draco-malfoy-1   tcp/80   allowed by default
        """);
    // traffic matching no policy
    hogwarts.expect("""
        luna-lovegood-0 -> harry-potter-1  tcp/80 allowed by default
        harry-potter-0  -> luna-lovegood-1 tcp/80 allowed by default
        """);
  }
}
