package dev.flowtel.core.policy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.DirectionVerdict.Outcome;
import dev.flowtel.core.policy.ExternalPeer;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.ClusterPolicyKind;
import org.junit.jupiter.api.Test;

/**
 * Where cluster-scoped policies stop, as the API documents it and no upstream scenario probes:
 * host-network pods are neither subjects nor namespace/pod peers (only nodes and networks match
 * their addresses), addresses outside the cluster match only networks, and without any
 * cluster-scoped policy every verdict is NetworkPolicy's alone.
 */
class ClusterPolicyBoundariesTest {

  @Test
  void aHostNetworkPodIsNoSubjectAndNoPodPeer() {
    // gress-rules' subject is every pod of gryffindor; a centaur is no pod peer of its rules either
    Hogwarts hogwarts = Hogwarts.with("anp/core-gress-rules.yaml");
    PolicyVerdict fromCentaur = hogwarts.probe("centaur-0", "harry-potter-0", Protocol.TCP, 80);
    assertThat(fromCentaur.egress().outcome()).isEqualTo(Outcome.HOST_NETWORK);
    assertThat(fromCentaur.ingress().outcome()).isEqualTo(Outcome.NOT_ISOLATED);
    assertThat(fromCentaur.allowed()).isTrue();
  }

  @Test
  void nodesPeersMatchANodeAddressOutsideAnyPod() {
    Hogwarts hogwarts = Hogwarts.with("anp/extended-egress-nodes.yaml");
    PolicyEngine engine = PolicyEngine.of(hogwarts.policySet());
    PolicyVerdict toNode = engine.evaluate(hogwarts.pod("harry-potter-0"), ExternalPeer.of("172.18.0.3"), Protocol.TCP, 36363);
    assertThat(toNode.egress().outcome()).isEqualTo(Outcome.ADMIN_ALLOWED);
    PolicyVerdict toInternet = engine.evaluate(hogwarts.pod("harry-potter-0"), ExternalPeer.of("8.8.8.8"), Protocol.TCP, 36363);
    assertThat(toInternet.egress().outcome()).isEqualTo(Outcome.NOT_ISOLATED);
  }

  @Test
  void withoutClusterScopedPoliciesEveryVerdictIsNetworkPolicys() {
    Hogwarts hogwarts = Hogwarts.with("integration/core-anp-np-banp.yaml")
        .deleteClusterPolicy(ClusterPolicyKind.AdminNetworkPolicy, "pass-example")
        .deleteClusterPolicy(ClusterPolicyKind.BaselineAdminNetworkPolicy, "default");
    PolicySet networkPoliciesOnly = PolicySet.of(hogwarts.policySet().namespaces(), hogwarts.policySet().policies());
    for (String from : new String[] {"draco-malfoy-0", "luna-lovegood-0", "harry-potter-1"}) {
      PolicyVerdict withNodes = hogwarts.probe(from, "harry-potter-0", Protocol.TCP, 80);
      PolicyVerdict plain = PolicyEngine.of(networkPoliciesOnly).evaluate(hogwarts.pod(from), hogwarts.pod("harry-potter-0"),
          Protocol.TCP, 80);
      assertThat(withNodes).isEqualTo(plain);
      assertThat(withNodes.egress().decidedBy()).isNull();
      assertThat(withNodes.ingress().passedBy()).isNull();
    }
  }
}
