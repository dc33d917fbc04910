package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import dev.flowtel.testing.MockKubernetesApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given a cluster in fabric8's mock API server (CRUD mode), when Namespaces, NetworkPolicies,
 * cluster-scoped policies and Nodes are created, changed and deleted around a running publisher,
 * then exactly these records are published, in order per key, and the stream jobs' policy model
 * reads them back as the cluster meant them (a cluster-scoped policy as the manifest reader reads
 * the same YAML).
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
    for (ClusterPolicyResource resource : ClusterPolicyResource.values()) {
      client.genericKubernetesResources(resource.context()).delete();
    }
    client.nodes().delete();
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

  @Test
  void clusterScopedPoliciesAndNodesArePublishedAsTheManifestReaderReadsThem() throws Exception {
    create(ClusterPolicyResource.ADMIN_NETWORK_POLICY, adminPolicy("guard-db", 10));
    create(ClusterPolicyResource.BASELINE_ADMIN_NETWORK_POLICY, BASELINE);
    create(ClusterPolicyResource.CLUSTER_NETWORK_POLICY, CLUSTER_POLICY);
    client.resource(Serialization.unmarshal(node("node-a", "infra"), Node.class)).create();

    RecordingSink sink = start(Set.of());

    assertThat(sink.lines()).containsExactlyInAnyOrder(
        "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/10 ingress [Deny:1 ports] egress [Pass]",
        "BaselineAdminNetworkPolicy/default -> BaselineAdminNetworkPolicy default Baseline/0 ingress [Deny] egress []",
        "ClusterNetworkPolicy/allow-dns -> ClusterNetworkPolicy allow-dns Admin/5 ingress [] egress [Accept:2 ports]",
        "Node/node-a -> node node-a {kubernetes.io/hostname=node-a, role=infra} [10.0.0.5, 203.0.113.5]");
    Map<String, ClusterState> byKey = new HashMap<>();
    sink.published().forEach(p -> byKey.put(p.key(), p.state()));
    assertThat(byKey.get("AdminNetworkPolicy/guard-db").getKind()).isEqualTo(ClusterObjectKind.ADMIN_NETWORK_POLICY);
    assertThat(byKey.get("BaselineAdminNetworkPolicy/default").getKind()).isEqualTo(ClusterObjectKind.BASELINE_ADMIN_NETWORK_POLICY);
    assertThat(byKey.get("ClusterNetworkPolicy/allow-dns").getKind()).isEqualTo(ClusterObjectKind.CLUSTER_NETWORK_POLICY);
    assertThat(byKey.get("Node/node-a").getKind()).isEqualTo(ClusterObjectKind.NODE);
    assertThat(byKey.values()).allSatisfy(state -> {
      assertThat(state.getObservedAt()).isEqualTo(NOW);
      assertThat(state.getResourceVersion()).isNotNull();
    });

    // What the stream jobs decode is what the manifest reader gives for the same YAML.
    assertThat(ClusterStatePolicies.clusterPolicy(byKey.get("AdminNetworkPolicy/guard-db").getClusterPolicy()))
        .isEqualTo(readPolicy(adminPolicy("guard-db", 10)));
    assertThat(ClusterStatePolicies.clusterPolicy(byKey.get("BaselineAdminNetworkPolicy/default").getClusterPolicy()))
        .isEqualTo(readPolicy(BASELINE));
    assertThat(ClusterStatePolicies.clusterPolicy(byKey.get("ClusterNetworkPolicy/allow-dns").getClusterPolicy()))
        .isEqualTo(readPolicy(CLUSTER_POLICY));
    NodeInfo expectedNode = ManifestReader.readText("node.yaml", node("node-a", "infra"), false, EnumSet.of(ObjectKind.Node))
        .nodes().get(0);
    assertThat(ClusterStatePolicies.node(byKey.get("Node/node-a").getNode())).isEqualTo(expectedNode);
    assertThat(expectedNode.addresses()).as("InternalIP and ExternalIP, not Hostname").hasSize(2);

    PolicySet policies = PolicySet.empty();
    for (RecordingSink.Published p : sink.published()) {
      policies = ClusterStatePolicies.apply(policies, p.key(), p.state());
    }
    assertThat(policies.clusterPolicies()).extracting(ClusterPolicy::id).containsExactlyInAnyOrder(
        "AdminNetworkPolicy/guard-db", "BaselineAdminNetworkPolicy/default", "ClusterNetworkPolicy/allow-dns");
    assertThat(policies.nodes()).containsExactly(expectedNode);
  }

  @Test
  void clusterScopedChangesAreRepublishedAndDeletesTombstoned() throws Exception {
    RecordingSink sink = start(Set.of());
    var admin = client.genericKubernetesResources(ClusterPolicyResource.ADMIN_NETWORK_POLICY.context());

    create(ClusterPolicyResource.ADMIN_NETWORK_POLICY, adminPolicy("guard-db", 10));
    await().until(() -> sink.published().size() == 1);
    admin.withName("guard-db").edit(r -> resource(adminPolicy("guard-db", 20)));
    await().until(() -> sink.published().size() == 2);
    client.resource(Serialization.unmarshal(node("node-a", "infra"), Node.class)).create();
    await().until(() -> sink.published().size() == 3);
    // A new resourceVersion with the same labels and addresses (here an annotation; in a cluster
    // mostly status heartbeats) is not republished; the relabel after it is.
    client.nodes().withName("node-a").edit(n -> new NodeBuilder(n).editMetadata().addToAnnotations("seen", "1").endMetadata().build());
    client.nodes().withName("node-a").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("role", "edge").endMetadata().build());
    await().until(() -> sink.published().size() >= 4);
    admin.withName("guard-db").delete();
    await().until(() -> sink.published().size() >= 5);
    client.nodes().withName("node-a").delete();
    await().until(() -> sink.published().size() >= 6);

    assertThat(sink.lines()).containsExactly(
        "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/10 ingress [Deny:1 ports] egress [Pass]",
        "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/20 ingress [Deny:1 ports] egress [Pass]",
        "Node/node-a -> node node-a {kubernetes.io/hostname=node-a, role=infra} [10.0.0.5, 203.0.113.5]",
        "Node/node-a -> node node-a {kubernetes.io/hostname=node-a, role=edge} [10.0.0.5, 203.0.113.5]",
        "AdminNetworkPolicy/guard-db -> tombstone",
        "Node/node-a -> tombstone");
    assertThat(publisher.records()).isEqualTo(4);
    assertThat(publisher.tombstones()).isEqualTo(2);
  }

  @Test
  void theResyncTombstonesClusterScopedObjectsDeletedWhileNoPublisherRan() throws Exception {
    create(ClusterPolicyResource.ADMIN_NETWORK_POLICY, adminPolicy("guard-db", 10));
    client.resource(Serialization.unmarshal(node("node-a", "infra"), Node.class)).create();

    RecordingSink sink = start(Set.of("AdminNetworkPolicy/guard-db", "AdminNetworkPolicy/gone",
        "BaselineAdminNetworkPolicy/default", "ClusterNetworkPolicy/gone", "Node/node-a", "Node/drained"));

    assertThat(sink.lines()).as("start() returns once all is published").hasSize(6);
    assertThat(sink.lines().subList(0, 2)).containsExactlyInAnyOrder(
        "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/10 ingress [Deny:1 ports] egress [Pass]",
        "Node/node-a -> node node-a {kubernetes.io/hostname=node-a, role=infra} [10.0.0.5, 203.0.113.5]");
    assertThat(sink.lines().subList(2, 6)).containsExactly(
        "AdminNetworkPolicy/gone -> tombstone",
        "BaselineAdminNetworkPolicy/default -> tombstone",
        "ClusterNetworkPolicy/gone -> tombstone",
        "Node/drained -> tombstone");
  }

  @Test
  void aPolicyTheReaderRefusesIsSkippedWithItsReasonAndTheRestIsPublished() throws Exception {
    client.resource(namespace("shop", Map.of())).create();
    create(ClusterPolicyResource.ADMIN_NETWORK_POLICY, adminPolicy("guard-db", 10));
    create(ClusterPolicyResource.ADMIN_NETWORK_POLICY, adminPolicy("too-high", 5000));
    create(ClusterPolicyResource.CLUSTER_NETWORK_POLICY, CLUSTER_POLICY);
    var admin = client.genericKubernetesResources(ClusterPolicyResource.ADMIN_NETWORK_POLICY.context());

    try (CapturedLog log = new CapturedLog()) {
      // The topic still holds an earlier, valid version of too-high: it is withdrawn, not left in force.
      RecordingSink sink = start(Set.of("AdminNetworkPolicy/too-high"));

      assertThat(sink.lines()).hasSize(4);
      assertThat(sink.lines().subList(0, 3)).containsExactlyInAnyOrder(
          "Namespace/shop -> namespace shop {}",
          "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/10 ingress [Deny:1 ports] egress [Pass]",
          "ClusterNetworkPolicy/allow-dns -> ClusterNetworkPolicy allow-dns Admin/5 ingress [] egress [Accept:2 ports]");
      assertThat(sink.lines().get(3)).isEqualTo("AdminNetworkPolicy/too-high -> tombstone");
      assertThat(publisher.skipped()).isEqualTo(1);
      assertThat(log.lines()).anySatisfy(line -> assertThat(line)
          .startsWith("WARN cluster-state: skipped AdminNetworkPolicy/too-high: ")
          .contains("spec.priority 5000 is not in 0..1000"));

      // A published policy that becomes unreadable is withdrawn; fixed, it is published again.
      admin.withName("guard-db").edit(r -> resource(adminPolicy("guard-db", 1001)));
      await().until(() -> sink.published().size() == 5);
      admin.withName("guard-db").edit(r -> resource(adminPolicy("guard-db", 30)));
      await().until(() -> sink.published().size() == 6);
      assertThat(sink.lines().subList(4, 6)).containsExactly(
          "AdminNetworkPolicy/guard-db -> tombstone",
          "AdminNetworkPolicy/guard-db -> AdminNetworkPolicy guard-db Admin/30 ingress [Deny:1 ports] egress [Pass]");
      assertThat(publisher.skipped()).isEqualTo(2);
      assertThat(log.lines()).anySatisfy(line -> assertThat(line)
          .startsWith("WARN cluster-state: skipped AdminNetworkPolicy/guard-db: ").contains("spec.priority 1001"));
    }
  }

  @Test
  void withoutWatchNodesNodesAreNotPublishedAndTheirKeysAreTombstoned() throws Exception {
    client.resource(Serialization.unmarshal(node("node-a", "infra"), Node.class)).create();
    client.resource(namespace("shop", Map.of())).create();
    RecordingSink sink = new RecordingSink(Set.of("Node/node-a"));
    publisher = new ClusterStatePublisher(client, sink, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(20), false);

    publisher.start();

    assertThat(sink.lines()).containsExactly("Namespace/shop -> namespace shop {}", "Node/node-a -> tombstone");
  }

  @Test
  void policyCrdsTheApiServerDoesNotServeAreLeftOutAndTheRestSyncs() throws Exception {
    client.resource(namespace("shop", Map.of())).create();
    client.resource(allowFrontend("shop", "allow-web", 8080)).create();
    AtomicInteger policyApiRequests = new AtomicInteger();
    KubernetesClient withoutCrds = api.client(builder -> builder.withHttpClientBuilderConsumer(
        http -> http.addOrReplaceInterceptor("no-policy-crds", new NoPolicyCrds(policyApiRequests))));
    RecordingSink sink = new RecordingSink(Set.of("AdminNetworkPolicy/from-before"));

    try (CapturedLog log = new CapturedLog()) {
      publisher = new ClusterStatePublisher(withoutCrds, sink, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(20));
      publisher.start();

      // The kinds' initial lists arrive from separate informers, so only their union is fixed;
      // the resync's tombstone comes after both.
      assertThat(sink.lines()).hasSize(3);
      assertThat(sink.lines().subList(0, 2)).containsExactlyInAnyOrder(
          "Namespace/shop -> namespace shop {}",
          "NetworkPolicy/shop/allow-web -> policy shop/allow-web selects {app=web} types [Ingress] ingress 1 ports [TCP/8080] egress -");
      assertThat(sink.lines().get(2)).isEqualTo("AdminNetworkPolicy/from-before -> tombstone");
      assertThat(log.lines()).contains(
          "INFO cluster-state: AdminNetworkPolicy not served by this API server: not watched",
          "INFO cluster-state: BaselineAdminNetworkPolicy not served by this API server: not watched",
          "INFO cluster-state: ClusterNetworkPolicy not served by this API server: not watched");
      assertThat(policyApiRequests.get()).as("one probe per kind, no informer").isEqualTo(3);
    }
    // The rest keeps flowing.
    client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
    await().until(() -> sink.published().size() == 4);
  }

  @Test
  void theRbacGrantsListAndWatchOnExactlyWhatThePublisherReads() throws Exception {
    Set<String> requested = ConcurrentHashMap.newKeySet();
    KubernetesClient recorded = api.client(builder -> builder.withHttpClientBuilderConsumer(
        http -> http.addOrReplaceInterceptor("record-requests", new Requests(requested))));
    publisher = new ClusterStatePublisher(recorded, new RecordingSink(Set.of()), Clock.systemUTC(), Duration.ofSeconds(20));
    publisher.start();
    await().until(() -> requested.stream().filter(r -> r.startsWith("watch ")).count() == 6);

    Set<String> granted = new TreeSet<>();
    try (InputStream rbac = Files.newInputStream(Path.of("../deploy/base/cluster-state-rbac.yaml"))) {
      for (HasMetadata object : client.load(rbac).items()) {
        if (object instanceof ClusterRole role) {
          for (PolicyRule rule : role.getRules()) {
            for (String group : rule.getApiGroups()) {
              for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                  granted.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                }
              }
            }
          }
        }
      }
    }
    assertThat(new TreeSet<>(requested)).isEqualTo(granted).contains(
        "list nodes", "watch nodes",
        "list policy.networking.k8s.io/adminnetworkpolicies", "watch policy.networking.k8s.io/adminnetworkpolicies",
        "list policy.networking.k8s.io/baselineadminnetworkpolicies",
        "watch policy.networking.k8s.io/clusternetworkpolicies");
  }

  private RecordingSink start(Set<String> onTopic) throws Exception {
    RecordingSink sink = new RecordingSink(onTopic);
    publisher = new ClusterStatePublisher(client, sink, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(20));
    publisher.start();
    return sink;
  }

  /**
   * Answers every request for policy.networking.k8s.io with the 404 of an API server that has
   * not installed the CRDs: the request goes to an object of that collection that does not exist.
   */
  private record NoPolicyCrds(AtomicInteger count) implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      URI uri = request.uri();
      if (uri.getPath().startsWith("/apis/" + ClusterPolicyResource.GROUP + "/")) {
        count.incrementAndGet();
        builder.uri(uri.resolve(uri.getPath() + "/not-served-by-this-api-server"));
      }
    }
  }

  /** Records {@code verb group/resource} of every list and watch a client sends. */
  private record Requests(Set<String> seen) implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (!request.method().equals("GET")) {
        return;
      }
      // /api/v1/<resource> or /apis/<group>/<version>/<resource>, as informers across namespaces request them.
      String[] parts = request.uri().getPath().substring(1).split("/");
      String group = parts[0].equals("api") ? "" : parts[1] + "/";
      String resource = parts[0].equals("api") ? parts[2] : parts[3];
      String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
      seen.add((query.contains("watch=true") ? "watch " : "list ") + group + resource);
    }
  }

  static void create(ClusterPolicyResource kind, String yaml) {
    client.genericKubernetesResources(kind.context()).resource(resource(yaml)).create();
  }

  static GenericKubernetesResource resource(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  static ClusterPolicy readPolicy(String yaml) {
    return ManifestReader.readText("policy.yaml", yaml, false, ObjectKind.CLUSTER_POLICIES).clusterPolicies().get(0);
  }

  /** Pods app=db in shop: deny TCP 5432 from team=batch namespaces; pass egress to infra nodes and 10/8. */
  static String adminPolicy(String name, int priority) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata:
          name: %s
        spec:
          priority: %d
          subject:
            pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
              podSelector: {matchLabels: {app: db}}
          ingress:
          - name: deny-batch
            action: Deny
            from:
            - namespaces: {matchLabels: {team: batch}}
            ports:
            - portNumber: {protocol: TCP, port: 5432}
          egress:
          - name: pass-infra
            action: Pass
            to:
            - nodes: {matchLabels: {role: infra}}
            - networks: [10.0.0.0/8]
        """.formatted(name, priority);
  }

  static final String BASELINE = """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: BaselineAdminNetworkPolicy
      metadata:
        name: default
      spec:
        subject:
          namespaces: {}
        ingress:
        - name: deny-all
          action: Deny
          from:
          - namespaces: {}
      """;

  static final String CLUSTER_POLICY = """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata:
        name: allow-dns
      spec:
        tier: Admin
        priority: 5
        subject:
          namespaces: {}
        egress:
        - name: dns
          action: Accept
          to:
          - pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
              podSelector: {matchLabels: {k8s-app: kube-dns}}
          protocols:
          - udp: {destinationPort: {number: 53}}
          - tcp: {destinationPort: {range: {start: 53, end: 54}}}
      """;

  static String node(String name, String role) {
    return """
        apiVersion: v1
        kind: Node
        metadata:
          name: %s
          labels: {role: %s, kubernetes.io/hostname: %s}
        status:
          addresses:
          - {type: InternalIP, address: 10.0.0.5}
          - {type: ExternalIP, address: 203.0.113.5}
          - {type: Hostname, address: %s}
        """.formatted(name, role, name, name);
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
