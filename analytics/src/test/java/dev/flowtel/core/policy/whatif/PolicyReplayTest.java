package dev.flowtel.core.policy.whatif;

import static dev.flowtel.core.policy.recommend.HistoryScenario.T0;
import static dev.flowtel.core.policy.recommend.HistoryScenario.inventory;
import static dev.flowtel.core.policy.recommend.HistoryScenario.refused;
import static dev.flowtel.core.policy.recommend.HistoryScenario.seen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.recommend.PolicyRecommender;
import dev.flowtel.core.policy.recommend.RecommendOptions;
import dev.flowtel.core.policy.recommend.Recommendation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Given a cluster without policies and a proposal recommended from shop's traffic, when last
 * period's traffic (and some that never went into the recommendation) is replayed, then each
 * source, destination, port and protocol gets exactly this change.
 */
class PolicyReplayTest {

  private final Recommendation proposal = PolicyRecommender.recommend(List.of(
      seen("shop/Deployment/web>shop/Service/api:8080/6", 100, 50_000, 0, 100),
      seen("shop/Deployment/api>-/External/PUBLIC:443/6", 7, 70_000, 1, 2, "52.94.236.248"),
      seen("shop/Deployment/api>-/External/PRIVATE:5432/6", 3, 900, 3, 4),
      seen("shop/Deployment/web>kube-system/Service/kube-dns:53/17", 50, 4_000, 0, 119)), inventory(), List.of(),
      RecommendOptions.defaults());
  private final PolicySet proposed = proposal.policySet(inventory().namespaces());

  private ReplayReport replay(ObservedEdge... history) {
    return PolicyReplay.replay(List.of(history), inventory(), PolicySet.empty(), proposed);
  }

  @Test
  void trafficTheProposalWasWrittenForStaysAllowedByItsRules() {
    ReplayReport report = replay(
        seen("shop/Deployment/web>shop/Service/api:8080/6", 60, 30_000, 0, 50),
        seen("shop/Deployment/web>shop/Service/api:8080/6", 40, 20_000, 60, 120),
        // The same pods reached directly: one change with the Service's.
        seen("shop/Deployment/web>shop/Deployment/api:8080/6", 5, 1_000, 10, 11));
    assertThat(report.changes()).containsExactly(new EdgeChange("shop/Deployment/web", "shop/Deployment/api", 8080, 6,
        EdgeChange.Change.STILL_ALLOWED, 105, 51_000, T0.plusSeconds(7200),
        List.of(new RuleRef("shop/flowtel-web-egress", PolicyType.Egress, 1),
            new RuleRef("shop/flowtel-api-ingress", PolicyType.Ingress, 0)), List.of(),
        report.changes().get(0).explanation()));
  }

  @Test
  void trafficOffTheProposalIsNewlyDeniedWithThePoliciesThatIsolateIt() {
    ReplayReport report = replay(
        seen("shop/Deployment/web>payments/Service/billing:8443/6", 4, 400, 0, 1),
        seen("shop/Deployment/api>-/External/PUBLIC:443/6", 2, 200, 0, 1, "45.155.205.233"),
        refused("shop/Deployment/web>shop/Deployment/api:9999/6", 3),
        new ObservedEdge(ServiceEdge.fromKey("shop/Deployment/web>shop/Deployment/api:*/6"), 900, 54_000, 0, 900, 0, T0,
            T0.plusSeconds(60), Set.of()));
    assertThat(report.changes()).extracting(c -> c.source() + ">" + c.destination() + ":" + c.port() + " " + c.change() + " "
        + c.denyingPolicies()).containsExactly(
        "shop/Deployment/web>shop/Deployment/api:-1 NEWLY_DENIED [shop/flowtel-web-egress, shop/flowtel-api-ingress]",
        "shop/Deployment/web>payments/Deployment/billing:8443 NEWLY_DENIED [shop/flowtel-web-egress]",
        "shop/Deployment/api>-/External/PUBLIC:443 NEWLY_DENIED [shop/flowtel-api-egress]",
        "shop/Deployment/web>shop/Deployment/api:9999 NEWLY_DENIED [shop/flowtel-web-egress, shop/flowtel-api-ingress]");
    assertThat(report.hasNewDenies()).isTrue();
    assertThat(report.totalsByWorkload()).filteredOn(t -> t.workload().equals("shop/Deployment/web")).containsExactly(
        new WorkloadTotals("shop/Deployment/web", 3, 0, 0, 0, 0, 907, 54_580));
  }

  @Test
  void externalEndsWithoutAddressesAreJudgedAgainstTheirWholeClass() {
    ReplayReport report = replay(
        // PRIVATE: the proposal allows all of RFC 1918 on 5432, so any address would pass.
        seen("shop/Deployment/api>-/External/PRIVATE:5432/6", 1, 100, 0, 1),
        // PUBLIC: only 52.94.236.248/32 on 443, so it depends on the address nobody recorded.
        seen("shop/Deployment/api>-/External/PUBLIC:443/6", 1, 100, 0, 1),
        // No rule on 8443 names any ipBlock: denied whatever the address.
        seen("shop/Deployment/api>-/External/PUBLIC:8443/6", 1, 100, 0, 1));
    assertThat(report.changes()).extracting(c -> c.destination() + ":" + c.port() + " " + c.change()).containsExactly(
        "-/External/PUBLIC:8443 NEWLY_DENIED",
        "-/External/PRIVATE:5432 STILL_ALLOWED",
        "-/External/PUBLIC:443 UNDETERMINED");
    assertThat(report.changes(EdgeChange.Change.UNDETERMINED).get(0).explanation()).isEqualTo(
        "egress of shop/Deployment/api with -/External/PUBLIC: its addresses were not recorded and"
            + " shop/flowtel-api-egress egress[2] (52.94.236.248/32) allows some PUBLIC addresses only");
  }

  @Test
  void endsOutsideTheInventoryAreUndetermined() {
    ReplayReport report = replay(seen("shop/Deployment/ghost>shop/Service/api:8080/6", 2, 100, 0, 1));
    assertThat(report.changes()).singleElement().satisfies(c -> {
      assertThat(c.change()).isEqualTo(EdgeChange.Change.UNDETERMINED);
      assertThat(c.explanation()).isEqualTo("Deployment shop/ghost is not in the inventory");
    });
    assertThat(report.counts()).containsEntry(EdgeChange.Change.UNDETERMINED, 1L).containsEntry(EdgeChange.Change.NEWLY_DENIED, 0L);
  }
}
