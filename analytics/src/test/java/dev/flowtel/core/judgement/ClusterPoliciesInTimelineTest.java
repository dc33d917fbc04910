package dev.flowtel.core.judgement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.policy.ClusterPeer;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPolicyRule;
import dev.flowtel.core.policy.ClusterPolicyTier;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.ClusterSubject;
import dev.flowtel.core.policy.ClusterRuleAction;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.wire.AvroClassTrust;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Detection judges flows by the cluster-scoped policies the cluster-state topic carries: an admin
 * tier Deny overrides what no NetworkPolicy isolates, a Pass hands over to the baseline tier, and a
 * deleted policy stops deciding.
 */
class ClusterPoliciesInTimelineTest {

  static {
    AvroClassTrust.install();
  }

  private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private static final LabelSelector SHOP = LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "shop"));
  private static final LabelSelector JOBS = LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "jobs"));

  private static ObservedFlow request(String clientNamespace, String serverNamespace) {
    EdgeEnd client = new EdgeEnd(clientNamespace, "Deployment", "client", NetworkClass.POD);
    EdgeEnd server = new EdgeEnd(serverNamespace, "Deployment", "db", NetworkClass.POD);
    ObservedFlow.PeerView clientPod = new ObservedFlow.PeerView(true, clientNamespace, "client-0", Map.of("app", "client"), false);
    ObservedFlow.PeerView serverPod = new ObservedFlow.PeerView(true, serverNamespace, "db-0", Map.of("app", "db"), false);
    return new ObservedFlow(T0, T0, new ServiceEdge(client, server, 5432, 6).key(), client, server, 5432, 6, false, 1,
        IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.2.20"), 40000, 5432, 0x18, 100, 1, false, clientPod, serverPod);
  }

  private static ClusterState namespace(String name) {
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NAMESPACE).setObservedAt(Instant.ofEpochMilli(T0))
        .setNamespace(NamespaceState.newBuilder().setName(name).setLabels(Map.of("kubernetes.io/metadata.name", name)).build())
        .build();
  }

  private static ClusterState record(ClusterPolicy policy) {
    ClusterObjectKind kind = switch (policy.kind()) {
      case AdminNetworkPolicy -> ClusterObjectKind.ADMIN_NETWORK_POLICY;
      case BaselineAdminNetworkPolicy -> ClusterObjectKind.BASELINE_ADMIN_NETWORK_POLICY;
      case ClusterNetworkPolicy -> ClusterObjectKind.CLUSTER_NETWORK_POLICY;
    };
    return ClusterState.newBuilder().setKind(kind).setObservedAt(Instant.ofEpochMilli(T0))
        .setClusterPolicy(ClusterStatePolicies.clusterPolicyState(policy)).build();
  }

  private static ClusterPolicy shopIngress(ClusterPolicyKind kind, ClusterPolicyTier tier, String name, ClusterRuleAction action) {
    return new ClusterPolicy(kind, name, tier, 10, ClusterSubject.namespaces(SHOP),
        List.of(new ClusterPolicyRule("from-jobs", action, List.of(new ClusterPeer.Namespaces(JOBS)), List.of())), List.of());
  }

  private static PolicyTimeline timeline() {
    PolicyTimeline timeline = new PolicyTimeline();
    timeline.apply("Namespace/shop", namespace("shop"), T0 - 60_000);
    timeline.apply("Namespace/jobs", namespace("jobs"), T0 - 60_000);
    return timeline;
  }

  @Test
  void anAdminDenyDeniesWhatNoNetworkPolicyIsolatesAndNamesItself() {
    PolicyTimeline timeline = timeline();
    assertThat(timeline.judge(request("jobs", "shop"), 0).outcome()).isEqualTo(PolicyJudgement.Outcome.ALLOWED);

    ClusterPolicy deny = shopIngress(ClusterPolicyKind.AdminNetworkPolicy, ClusterPolicyTier.Admin, "guard-shop", ClusterRuleAction.Deny);
    timeline.apply("AdminNetworkPolicy/guard-shop", record(deny), T0 - 30_000);

    PolicyJudgement judged = timeline.judge(request("jobs", "shop"), 0);
    assertThat(judged.outcome()).isEqualTo(PolicyJudgement.Outcome.DENIED);
    assertThat(judged.explanation()).contains("guard-shop");
    assertThat(timeline.judge(request("shop", "shop"), 0).outcome()).isEqualTo(PolicyJudgement.Outcome.ALLOWED);

    timeline.apply("AdminNetworkPolicy/guard-shop", null, T0 - 10_000);
    assertThat(timeline.judge(request("jobs", "shop"), 0).outcome()).isEqualTo(PolicyJudgement.Outcome.ALLOWED);
  }

  @Test
  void anAdminPassLeavesTheDecisionToTheBaselineTier() {
    PolicyTimeline timeline = timeline();
    timeline.apply("AdminNetworkPolicy/pass-jobs",
        record(shopIngress(ClusterPolicyKind.AdminNetworkPolicy, ClusterPolicyTier.Admin, "pass-jobs", ClusterRuleAction.Pass)),
        T0 - 30_000);
    assertThat(timeline.judge(request("jobs", "shop"), 0).outcome()).isEqualTo(PolicyJudgement.Outcome.ALLOWED);

    timeline.apply("BaselineAdminNetworkPolicy/default", record(shopIngress(ClusterPolicyKind.BaselineAdminNetworkPolicy,
        ClusterPolicyTier.Baseline, "default", ClusterRuleAction.Deny)), T0 - 20_000);
    PolicyJudgement judged = timeline.judge(request("jobs", "shop"), 0);
    assertThat(judged.outcome()).isEqualTo(PolicyJudgement.Outcome.DENIED);
    assertThat(judged.explanation()).contains("default");
  }
}
