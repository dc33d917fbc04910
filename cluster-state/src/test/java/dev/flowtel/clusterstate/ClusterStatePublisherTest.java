package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import dev.flowtel.testing.MockKubernetesApi;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given a cluster in fabric8's mock API server (CRUD mode), when Namespaces and NetworkPolicies
 * are created, changed and deleted around a running publisher, then exactly these records are
 * published, in order per key, and the stream jobs' policy model reads them back as the cluster
 * meant them.
 */
@Timeout(60)
class ClusterStatePublisherTest {

  /** Waits for a state; the limit is a safety net for a busy machine, not a condition. */
  private static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60));
  }

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private ClusterStatePublisher publisher;

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.close();
      api.awaitWatchesClosed();
    }
    client.network().v1().networkPolicies().inAnyNamespace().delete();
    client.namespaces().delete();
  }

  @Test
  void policyCreateUpdateDeleteAndNamespaceRelabelArePublishedInOrder() throws Exception {
    client.resource(namespace("shop", Map.of("team", "a"))).create();
    RecordingSink sink = start(Set.of());
    await().until(() -> sink.published().size() == 1);

    client.resource(allowFrontend("shop", "allow-web", 8080)).create();
    await().until(() -> sink.published().size() == 2);
    client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web")
        .edit(p -> allowFrontend("shop", "allow-web", 9090));
    await().until(() -> sink.published().size() == 3);
    client.namespaces().withName("shop").edit(n -> namespace("shop", Map.of("team", "b")));
    await().until(() -> sink.published().size() == 4);
    client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
    await().until(() -> sink.published().size() == 5);

    assertThat(sink.lines()).containsExactly(
        "Namespace/shop -> namespace shop {team=a}",
        "NetworkPolicy/shop/allow-web -> policy shop/allow-web selects {app=web} types [Ingress] ingress 1 ports [TCP/8080] egress -",
        "NetworkPolicy/shop/allow-web -> policy shop/allow-web selects {app=web} types [Ingress] ingress 1 ports [TCP/9090] egress -",
        "Namespace/shop -> namespace shop {team=b}",
        "NetworkPolicy/shop/allow-web -> tombstone");
    ClusterState updated = sink.published().get(2).state();
    assertThat(updated.getNetworkPolicy().getIngress().get(0).getPorts())
        .containsExactly(new PolicyPort("TCP", 9090, null));
    assertThat(updated.getObservedAt()).isEqualTo(NOW);
    assertThat(updated.getResourceVersion()).isNotNull();
    assertThat(publisher.records()).isEqualTo(4);
    assertThat(publisher.tombstones()).isEqualTo(1);
  }

  @Test
  void theResyncPublishesEverythingThenTombstonesWhatTheClusterNoLongerHas() throws Exception {
    client.resource(namespace("shop", Map.of())).create();
    client.resource(allowFrontend("shop", "kept", 8080)).create();
    RecordingSink sink = start(Set.of("Namespace/shop", "Namespace/gone", "NetworkPolicy/shop/kept",
        "NetworkPolicy/shop/deleted-while-down"));

    assertThat(sink.lines()).as("start() returns once all is published").hasSize(4);
    assertThat(sink.lines().subList(0, 2)).containsExactlyInAnyOrder(
        "Namespace/shop -> namespace shop {}",
        "NetworkPolicy/shop/kept -> policy shop/kept selects {app=web} types [Ingress] ingress 1 ports [TCP/8080] egress -");
    assertThat(sink.lines().subList(2, 4)).containsExactly(
        "Namespace/gone -> tombstone",
        "NetworkPolicy/shop/deleted-while-down -> tombstone");
  }

  @Test
  void aNetworkPolicyIsPublishedFieldForField() throws Exception {
    NetworkPolicy policy = new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("db").endMetadata()
        .withNewSpec()
        .withNewPodSelector().addToMatchLabels("app", "db").addNewMatchExpression().withKey("tier")
        .withOperator("In").withValues("primary", "replica").endMatchExpression().endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .addNewIngress()
        .addNewFrom().withNewPodSelector().addToMatchLabels("app", "api").endPodSelector()
        .withNewNamespaceSelector().addToMatchLabels("team", "shop").endNamespaceSelector().endFrom()
        .addNewFrom().withNewIpBlock().withCidr("10.0.0.0/8").withExcept("10.1.0.0/16").endIpBlock().endFrom()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString("postgres")).endPort()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(9000)).withEndPort(9100).endPort()
        .endIngress()
        .addNewEgress().endEgress()
        .endSpec().build();

    NetworkPolicyState state = ClusterStateRecords.networkPolicyState(policy);

    LabelSelector everything = new LabelSelector(Map.of(), List.of());
    assertThat(state).isEqualTo(new NetworkPolicyState("shop", "db",
        new LabelSelector(Map.of("app", "db"), List.of(new LabelSelectorRequirement("tier", "In", List.of("primary", "replica")))),
        List.of("Ingress", "Egress"),
        List.of(new IngressRule(List.of(
            new PolicyPeer(new LabelSelector(Map.of("app", "api"), List.of()), new LabelSelector(Map.of("team", "shop"), List.of()), null),
            new PolicyPeer(null, null, new IpBlock("10.0.0.0/8", List.of("10.1.0.0/16")))),
            List.of(new PolicyPort("TCP", "postgres", null), new PolicyPort("TCP", 9000, 9100)))),
        List.of(new dev.flowtel.schema.EgressRule(null, null))));
    assertThat(ClusterStateRecords.networkPolicyState(new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop")
        .withName("deny").endMetadata().withNewSpec().endSpec().build()))
        .as("no podSelector is the empty one; no policyTypes stays absent (Kubernetes defaults it)")
        .isEqualTo(new NetworkPolicyState("shop", "deny", everything, null, null, null));
  }

  @Test
  void aPublishedPolicyGivesTheStreamJobsTheVerdictKubernetesWould() throws Exception {
    client.resource(namespace("shop", Map.of("kubernetes.io/metadata.name", "shop"))).create();
    client.resource(namespace("tools", Map.of("kubernetes.io/metadata.name", "tools"))).create();
    client.resource(allowFrontend("shop", "allow-web", 8080)).create();
    RecordingSink sink = start(Set.of());

    PolicySet policies = PolicySet.empty();
    for (RecordingSink.Published p : sink.published()) {
      policies = ClusterStatePolicies.apply(policies, p.key(), p.state());
    }
    PolicyEngine engine = PolicyEngine.of(policies);
    PodInfo web = PodInfo.of("shop", "web-1", Map.of("app", "web"), "10.244.1.2");
    PodInfo frontend = PodInfo.of("shop", "frontend-1", Map.of("app", "frontend"), "10.244.1.3");
    PodInfo debug = PodInfo.of("tools", "debug", Map.of("app", "frontend"), "10.244.2.9");

    assertThat(engine.evaluate(frontend, web, Protocol.TCP, 8080).allowed()).isTrue();
    assertThat(engine.evaluate(frontend, web, Protocol.TCP, 9090).allowed()).as("port not in the rule").isFalse();
    assertThat(engine.evaluate(debug, web, Protocol.TCP, 8080).allowed()).as("same labels, other namespace").isFalse();
    assertThat(engine.evaluate(web, frontend, Protocol.TCP, 8080).allowed()).as("frontend is not isolated").isTrue();

    // Deleting the policy reaches the engine as a tombstone: web is no longer isolated.
    client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
    await().until(() -> sink.published().size() == 4);
    RecordingSink.Published tombstone = sink.published().get(3);
    PolicyEngine after = PolicyEngine.of(ClusterStatePolicies.apply(policies, tombstone.key(), tombstone.state()));
    assertThat(after.evaluate(debug, web, Protocol.TCP, 8080).allowed()).isTrue();
  }

  private RecordingSink start(Set<String> onTopic) throws Exception {
    RecordingSink sink = new RecordingSink(onTopic);
    publisher = new ClusterStatePublisher(client, sink, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(20));
    publisher.start();
    return sink;
  }

  static Namespace namespace(String name, Map<String, String> labels) {
    return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
  }

  /** Pods app=web accept TCP {@code port} from pods app=frontend of the same namespace. */
  static NetworkPolicy allowFrontend(String namespace, String name, int port) {
    return new NetworkPolicyBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withNewSpec()
        .withNewPodSelector().addToMatchLabels("app", "web").endPodSelector().withPolicyTypes("Ingress")
        .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", "frontend").endPodSelector().endFrom()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(port)).endPort().endIngress()
        .endSpec().build();
  }
}
