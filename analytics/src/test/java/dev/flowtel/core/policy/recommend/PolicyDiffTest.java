package dev.flowtel.core.policy.recommend;

import static dev.flowtel.core.policy.recommend.HistoryScenario.inventory;
import static dev.flowtel.core.policy.recommend.HistoryScenario.seen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.history.ObservedEdge;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Given api's ingress in force allowing web on http and everyone on grpc, when only web's http
 * calls were observed, then the diff adds the recommended egress and names grpc as unused.
 */
class PolicyDiffTest {

  @Test
  void addedRulesAndRulesNoTrafficUsed() {
    List<ObservedEdge> observed = List.of(seen("shop/Deployment/web>shop/Service/api:8080/6", 100, 50_000, 0, 100));
    Recommendation recommendation = PolicyRecommender.recommend(observed, inventory(), List.of(), RecommendOptions.defaults());
    NetworkPolicy inForce = new NetworkPolicy("shop", "flowtel-api-ingress", LabelSelector.matchLabels(Map.of("app", "api")),
        Set.of(PolicyType.Ingress), List.of(
            new PolicyRule(List.of(PolicyPeer.Pods.inPolicyNamespace(LabelSelector.matchLabels(Map.of("app", "web")))),
                List.of(PolicyPort.named(Protocol.TCP, "http"))),
            PolicyRule.ports(PolicyPort.named(Protocol.TCP, "grpc"))), List.of());
    PolicyDiff diff = PolicyDiff.between(recommendation, PolicySet.of(inventory().namespaces(), List.of(inForce)), inventory(),
        observed);
    assertThat(diff.newPolicies()).containsExactly("shop/flowtel-web-egress");
    assertThat(diff.added()).extracting(a -> a.policy() + " " + a.direction().fieldName() + "[" + a.index() + "]")
        .containsExactly("shop/flowtel-web-egress egress[0]", "shop/flowtel-web-egress egress[1]");
    assertThat(diff.unused()).extracting(PolicyDiff.UnusedRule::ref)
        .containsExactly(new RuleRef("shop/flowtel-api-ingress", PolicyType.Ingress, 1));
  }
}
