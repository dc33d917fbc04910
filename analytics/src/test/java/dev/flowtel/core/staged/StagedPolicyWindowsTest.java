package dev.flowtel.core.staged;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.judgement.PolicyTimeline;
import dev.flowtel.core.judgement.StagedJudgement;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.wire.AvroClassTrust;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Staged policies judged beside those in force, and counted per staged policy, edge and traffic window. */
class StagedPolicyWindowsTest {

  static {
    AvroClassTrust.install();
  }

  private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private static final EdgeEnd WEB = new EdgeEnd("shop", "Deployment", "web", NetworkClass.POD);
  private static final EdgeEnd DB = new EdgeEnd("shop", "StatefulSet", "db", NetworkClass.POD);
  private static final EdgeEnd BATCH = new EdgeEnd("jobs", "CronJob", "report", NetworkClass.POD);

  private static ObservedFlow flow(long at, EdgeEnd client, EdgeEnd server, String clientApp, long connection, boolean reply) {
    ObservedFlow.PeerView clientPod = new ObservedFlow.PeerView(true, client.namespace(), client.name() + "-0",
        Map.of("app", clientApp), false);
    ObservedFlow.PeerView serverPod = new ObservedFlow.PeerView(true, server.namespace(), server.name() + "-0",
        Map.of("app", server.name()), false);
    String key = new ServiceEdge(client, server, 5432, 6).key();
    IpAddress c = IpAddress.parse("10.244.1.10");
    IpAddress s = IpAddress.parse("10.244.2.20");
    return new ObservedFlow(at, at, key, client, server, 5432, 6, reply, connection, reply ? s : c, reply ? c : s,
        reply ? 5432 : 40000, reply ? 40000 : 5432, 0x18, 1000, 2, false, reply ? serverPod : clientPod,
        reply ? clientPod : serverPod);
  }

  private static ClusterState namespace(String name) {
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NAMESPACE).setObservedAt(Instant.ofEpochMilli(T0 - 60_000))
        .setNamespace(NamespaceState.newBuilder().setName(name).setLabels(Map.of("kubernetes.io/metadata.name", name)).build())
        .build();
  }

  /** In namespace shop, pods app=db take ingress only from pods app=web, or from nothing when {@code allowWeb} is false. */
  private static ClusterState dbIngress(ClusterObjectKind kind, String name, boolean allowWeb) {
    List<IngressRule> rules = allowWeb
        ? List.of(IngressRule.newBuilder().setFrom(List.of(PolicyPeer.newBuilder()
            .setPodSelector(LabelSelector.newBuilder().setMatchLabels(Map.of("app", "web")).build()).build())).build())
        : List.of();
    return ClusterState.newBuilder().setKind(kind).setObservedAt(Instant.ofEpochMilli(T0 - 60_000))
        .setNetworkPolicy(NetworkPolicyState.newBuilder().setNamespace("shop").setName(name)
            .setPodSelector(LabelSelector.newBuilder().setMatchLabels(Map.of("app", "db")).build())
            .setPolicyTypes(List.of("Ingress")).setIngress(rules).build())
        .build();
  }

  private static PolicyTimeline timeline(ClusterState... records) {
    PolicyTimeline timeline = new PolicyTimeline();
    timeline.apply("Namespace/shop", namespace("shop"), T0 - 60_000);
    timeline.apply("Namespace/jobs", namespace("jobs"), T0 - 60_000);
    for (ClusterState r : records) {
      String prefix = r.getKind() == ClusterObjectKind.STAGED_NETWORK_POLICY ? "StagedNetworkPolicy/" : "NetworkPolicy/";
      timeline.apply(prefix + "shop/" + r.getNetworkPolicy().getName(), r, T0 - 60_000);
    }
    return timeline;
  }

  @Test
  void aStagedPolicyNeverChangesTheVerdictOfThePoliciesInForce() {
    PolicyTimeline timeline = timeline(dbIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "db-deny-all", false));
    ObservedFlow request = flow(T0, WEB, DB, "web", 1, false);

    assertThat(timeline.judge(request, 0).outcome()).isEqualTo(PolicyJudgement.Outcome.ALLOWED);
    assertThat(timeline.judgeStaged(request)).singleElement().satisfies(j -> {
      assertThat(j.policyId()).isEqualTo("shop/db-deny-all");
      assertThat(j.wouldAllow()).isFalse();
      assertThat(j.allowedInForce()).isTrue();
      assertThat(j.explanation()).contains("shop/db-deny-all");
    });
  }

  @Test
  void aStagedPolicyReplacesThePolicyInForceOfItsNameAndJudgesRepliesAsTheirConnection() {
    PolicyTimeline timeline = timeline(dbIngress(ClusterObjectKind.NETWORK_POLICY, "db", false),
        dbIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "db", true));
    ObservedFlow reply = flow(T0, WEB, DB, "web", 1, true);
    ObservedFlow fromBatch = flow(T0, BATCH, DB, "report", 2, false);

    assertThat(timeline.judge(flow(T0, WEB, DB, "web", 1, false), 0).denied()).isTrue();
    assertThat(timeline.judgeStaged(reply)).singleElement().satisfies(j -> {
      assertThat(j.wouldAllow()).isTrue();
      assertThat(j.allowedInForce()).isFalse();
    });
    assertThat(timeline.judgeStaged(fromBatch)).singleElement().satisfies(j -> assertThat(j.wouldAllow()).isFalse());
  }

  @Test
  void aStagedPolicyJudgesOnlyTheFlowsOfThePodsItSelects() {
    PolicyTimeline timeline = timeline(dbIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "db-deny-all", false));
    assertThat(timeline.judgeStaged(flow(T0, BATCH, WEB, "report", 3, false))).isEmpty();
    PolicyTimeline unstaged = timeline(dbIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "db-deny-all", false));
    unstaged.apply("StagedNetworkPolicy/shop/db-deny-all", null, T0 - 1);
    assertThat(unstaged.judgeStaged(flow(T0, WEB, DB, "web", 1, false))).isEmpty();
  }

  @Test
  void countsEachConnectionOncePerWindowAndClosesWindowsAfterTheAllowedLateness() {
    PolicyTimeline timeline = timeline(dbIngress(ClusterObjectKind.STAGED_NETWORK_POLICY, "db-deny-all", false));
    StagedPolicyWindows windows = new StagedPolicyWindows(Duration.ofSeconds(10), Duration.ofSeconds(30));
    StagedPolicyWindows.State state = windows.newState();
    List<ObservedFlow> flows = List.of(flow(T0 + 1_000, WEB, DB, "web", 1, false), flow(T0 + 2_000, WEB, DB, "web", 1, true),
        flow(T0 + 3_000, WEB, DB, "web", 2, false), flow(T0 + 12_000, WEB, DB, "web", 3, false));
    for (ObservedFlow f : flows) {
      assertThat(windows.onFlow(state, f, timeline.judgeStaged(f), T0)).isTrue();
    }
    List<StagedPolicyVerdict> out = new ArrayList<>();
    long firstClose = T0 + 10_000 - 1 + 30_000;
    assertThat(windows.nextDeadline(state)).isEqualTo(firstClose);
    windows.onWatermark(state, firstClose - 1, out::add);
    assertThat(out).isEmpty();
    // A flow of the first window arriving just before it closes still counts; one after, not.
    ObservedFlow late = flow(T0 + 4_000, WEB, DB, "web", 4, false);
    assertThat(windows.onFlow(state, late, timeline.judgeStaged(late), firstClose - 1)).isTrue();
    ObservedFlow tooLate = flow(T0 + 5_000, WEB, DB, "web", 5, false);
    assertThat(windows.onFlow(state, tooLate, timeline.judgeStaged(tooLate), firstClose)).isFalse();

    windows.onWatermark(state, firstClose, out::add);
    assertThat(out).singleElement().satisfies(v -> {
      assertThat(v.getPolicyNamespace()).isEqualTo("shop");
      assertThat(v.getPolicyName()).isEqualTo("db-deny-all");
      assertThat(v.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
      assertThat(v.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 10_000));
      assertThat(v.getDestination().getName()).isEqualTo("db");
      assertThat(v.getWouldDenyFlows()).isEqualTo(3);
      assertThat(v.getNewlyDeniedFlows()).isEqualTo(3);
      assertThat(v.getWouldAllowFlows()).isZero();
      assertThat(v.getWouldDenyBytes()).as("request bytes only").isEqualTo(3000);
    });
    assertThat(windows.isEmpty(state)).isFalse();
    windows.onWatermark(state, Long.MAX_VALUE, out::add);
    assertThat(out).hasSize(2);
    assertThat(out.get(1).getWouldDenyFlows()).isEqualTo(1);
    assertThat(windows.isEmpty(state)).isTrue();
  }

  @Test
  void aFlowNoStagedPolicyJudgesOpensNoWindow() {
    StagedPolicyWindows windows = new StagedPolicyWindows(Duration.ofSeconds(10), Duration.ofSeconds(30));
    StagedPolicyWindows.State state = windows.newState();
    assertThat(windows.onFlow(state, flow(T0, WEB, DB, "web", 1, false), List.<StagedJudgement>of(), T0)).isFalse();
    assertThat(windows.isEmpty(state)).isTrue();
  }
}
