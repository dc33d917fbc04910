package dev.flowtel.collector.enrich;

import static dev.flowtel.collector.enrich.KubeFixtures.flow;
import static dev.flowtel.collector.enrich.KubeFixtures.hostNetwork;
import static dev.flowtel.collector.enrich.KubeFixtures.owner;
import static dev.flowtel.collector.enrich.KubeFixtures.pod;
import static dev.flowtel.collector.enrich.KubeFixtures.service;
import static dev.flowtel.collector.enrich.KubeFixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.testing.MockKubernetesApi;
import dev.flowtel.wire.AvroClassTrust;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given a cluster in fabric8's mock API server (CRUD mode) and the collector's informers on it,
 * when pods, owners, Services and EndpointSlices come, change and go, then flows are enriched
 * with exactly the pod, workload and Services that held each address at the flow's time.
 */
@Timeout(60)
class ClusterWatchTest {

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final String NODE1 = "192.168.0.11";
  private static final String NODE2 = "192.168.0.12";

  private final MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(30)));
  private EnrichmentCache cache;
  private FlowEnricher enricher;
  private ClusterWatch watch;

  @BeforeAll
  static void trustFlowtelSchemas() {
    AvroClassTrust.install();
  }

  @BeforeEach
  void startWatching() throws Exception {
    cache = new EnrichmentCache(EnrichmentSettings.defaults(), clock);
    enricher = new FlowEnricher(cache);
    watch = ClusterWatch.start(client, cache);
  }

  @AfterEach
  void stopWatching() {
    watch.close();
    api.awaitWatchesClosed();
  }

  @Test
  void podsAreNamedByTheirTopWorkloadThroughReplicaSetsAndJobs() {
    int podsBefore = cache.podCount();
    create(replicaSet("shop", "checkout-7d9f8", owner("apps/v1", "Deployment", "checkout")));
    create(replicaSet("shop", "legacy-rs", null));
    create(job("shop", "nightly-29000000", owner("batch/v1", "CronJob", "nightly")));
    create(job("shop", "adhoc", null));
    create(pod("shop", "checkout-7d9f8-x1", Map.of("app", "checkout", "pod-template-hash", "7d9f8"),
        owner("apps/v1", "ReplicaSet", "checkout-7d9f8"), "node-1", "10.244.1.10", NODE1, T0, "http:8080"));
    create(pod("shop", "frontend-5c6d7-y2", Map.of("app", "frontend", "pod-template-hash", "5c6d7"),
        owner("apps/v1", "ReplicaSet", "frontend-5c6d7"), "node-1", "10.244.1.15", NODE1, T0));
    create(pod("shop", "legacy-rs-abc", Map.of("app", "legacy"), owner("apps/v1", "ReplicaSet", "legacy-rs"), "node-1",
        "10.244.1.16", NODE1, T0));
    create(pod("shop", "nightly-29000000-q2", Map.of("job", "nightly"), owner("batch/v1", "Job", "nightly-29000000"),
        "node-1", "10.244.1.11", NODE1, T0));
    create(pod("shop", "adhoc-z", Map.of(), owner("batch/v1", "Job", "adhoc"), "node-1", "10.244.1.17", NODE1, T0));
    create(pod("shop", "web-0", Map.of("app", "web"), owner("apps/v1", "StatefulSet", "web"), "node-2", "10.244.2.12",
        NODE2, T0));
    create(pod("shop", "agent-abc", Map.of("app", "agent"), owner("apps/v1", "DaemonSet", "agent"), "node-2",
        "10.244.2.13", NODE2, T0));
    create(pod("shop", "debug", Map.of(), null, "node-2", "10.244.2.14", NODE2, T0));

    Instant at = T0.plus(Duration.ofMinutes(5));
    await().untilAsserted(() -> assertThat(describe(destination("10.244.1.11", at))).contains("CronJob/nightly"));
    await().until(() -> cache.podCount() == podsBefore + 8); // every pod's event applied, not only the one above
    assertThat(describe(destination("10.244.1.10", at)))
        .isEqualTo("POD shop/checkout-7d9f8-x1 Deployment/checkout services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(destination("10.244.1.15", at)))
        .as("ReplicaSet not (yet) known: the Deployment is the ReplicaSet name minus pod-template-hash")
        .isEqualTo("POD shop/frontend-5c6d7-y2 Deployment/frontend services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(destination("10.244.1.16", at)))
        .isEqualTo("POD shop/legacy-rs-abc ReplicaSet/legacy-rs services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(destination("10.244.1.11", at)))
        .isEqualTo("POD shop/nightly-29000000-q2 CronJob/nightly services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(destination("10.244.1.17", at)))
        .isEqualTo("POD shop/adhoc-z Job/adhoc services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(destination("10.244.2.12", at)))
        .isEqualTo("POD shop/web-0 StatefulSet/web services=[] node=node-2 hostNetwork=false POD");
    assertThat(describe(destination("10.244.2.13", at)))
        .isEqualTo("POD shop/agent-abc DaemonSet/agent services=[] node=node-2 hostNetwork=false POD");
    assertThat(describe(destination("10.244.2.14", at)))
        .isEqualTo("POD shop/debug Pod/debug services=[] node=node-2 hostNetwork=false POD");
    assertThat(destination("10.244.1.10", at).getLabels()).isEqualTo(Map.of("app", "checkout", "pod-template-hash", "7d9f8"));

    // A ReplicaSet that appears later takes over from the name heuristic (here: an Argo Rollout owns it).
    create(replicaSet("shop", "frontend-5c6d7", owner("argoproj.io/v1alpha1", "Rollout", "frontend")));
    await().untilAsserted(() -> assertThat(describe(destination("10.244.1.15", at)))
        .isEqualTo("POD shop/frontend-5c6d7-y2 Rollout/frontend services=[] node=node-1 hostNetwork=false POD"));
  }

  @Test
  void aReusedIpIsAttributedByTheFlowsTimeNotByWhoCameLast() {
    String ip = "10.244.3.20";
    create(pod("churn", "old", Map.of("app", "old"), null, "node-1", ip, NODE1, T0));
    await().until(() -> cache.history(IpAddress.parse(ip)).size() == 1);

    clock.set(T0.plus(Duration.ofMinutes(10)));
    client.pods().inNamespace("churn").withName("old").delete();
    await().until(() -> cache.history(IpAddress.parse(ip)).get(0).endsWith(T0.plus(Duration.ofMinutes(10)).toEpochMilli() + ")"));
    create(pod("churn", "new", Map.of("app", "new"), null, "node-2", ip, NODE2, T0.plus(Duration.ofMinutes(12))));
    await().until(() -> cache.history(IpAddress.parse(ip)).size() == 2);
    clock.set(T0.plus(Duration.ofMinutes(20)));

    assertThat(cache.history(IpAddress.parse(ip))).containsExactly(
        "churn/old [" + T0.toEpochMilli() + "," + T0.plus(Duration.ofMinutes(10)).toEpochMilli() + ")",
        "churn/new [" + T0.plus(Duration.ofMinutes(12)).toEpochMilli() + ",open)");
    assertThat(destination(ip, T0.plus(Duration.ofMinutes(5))).getPod()).isEqualTo("old");
    assertThat(describe(destination(ip, T0.plus(Duration.ofMinutes(11)))))
        .as("between the two pods nobody held it").isEqualTo("UNKNOWN null/null null/null services=[] node=null hostNetwork=false POD");
    assertThat(destination(ip, T0.plus(Duration.ofMinutes(13))).getPod()).isEqualTo("new");
    FlowEvent spanning = enricher.enrich(flow("10.244.9.9", 41000, ip, 8080, T0.plus(Duration.ofMinutes(9)),
        T0.plus(Duration.ofSeconds(630))));
    assertThat(spanning.getDestination().getPod()).as("ended mid-flow: attributed by the flow's start").isEqualTo("old");
  }

  @Test
  void aNewPodStartingBeforeTheOldOnesDeleteIsSeenHoldsTheIpFromItsStart() {
    String ip = "10.244.3.21";
    create(pod("churn2", "first", Map.of(), null, "node-1", ip, NODE1, T0));
    await().until(() -> cache.history(IpAddress.parse(ip)).size() == 1);
    create(pod("churn2", "second", Map.of(), null, "node-1", ip, NODE1, T0.plus(Duration.ofMinutes(5))));
    await().until(() -> cache.history(IpAddress.parse(ip)).size() == 2);

    assertThat(destination(ip, T0.plus(Duration.ofMinutes(3))).getPod()).isEqualTo("first");
    assertThat(destination(ip, T0.plus(Duration.ofMinutes(6))).getPod()).isEqualTo("second");
    clock.set(T0.plus(Duration.ofMinutes(8)));
    client.pods().inNamespace("churn2").withName("first").delete();
    await().until(() -> cache.history(IpAddress.parse(ip)).get(0).endsWith(T0.plus(Duration.ofMinutes(8)).toEpochMilli() + ")"));
    assertThat(destination(ip, T0.plus(Duration.ofMinutes(6))).getPod()).isEqualTo("second");
    assertThat(destination(ip, T0.plus(Duration.ofMinutes(3))).getPod()).isEqualTo("first");
  }

  @Test
  void podRelabelAndCompletionAreSeenLive() {
    String ip = "10.244.3.30";
    create(pod("churn3", "worker", Map.of("tier", "batch"), null, "node-1", ip, NODE1, T0));
    await().until(() -> cache.history(IpAddress.parse(ip)).size() == 1);
    client.pods().inNamespace("churn3").withName("worker")
        .edit(p -> new PodBuilder(p).editMetadata().withLabels(Map.of("tier", "online")).endMetadata().build());
    await().untilAsserted(() -> assertThat(destination(ip, T0.plusSeconds(60)).getLabels()).isEqualTo(Map.of("tier", "online")));

    Instant finished = T0.plus(Duration.ofMinutes(7));
    clock.set(finished.plusSeconds(60));
    client.pods().inNamespace("churn3").withName("worker").edit(p -> new PodBuilder(p).editStatus().withPhase("Succeeded")
        .addNewContainerStatus().withName("main").withNewState().withNewTerminated().withExitCode(0)
        .withFinishedAt(finished.toString()).endTerminated().endState().endContainerStatus().endStatus().build());
    await().untilAsserted(() -> assertThat(cache.history(IpAddress.parse(ip)))
        .containsExactly("churn3/worker [" + T0.toEpochMilli() + "," + finished.toEpochMilli() + ")"));
    assertThat(destination(ip, finished.plusSeconds(1)).getPod()).as("a completed pod gave its IP back").isNull();
  }

  @Test
  void servicesWithAndWithoutSelectorsAndEndpointSliceUpdates() {
    int podsBefore = cache.podCount();
    create(pod("svc", "api-0", Map.of("app", "api"), owner("apps/v1", "StatefulSet", "api"), "node-1", "10.244.4.30", NODE1,
        T0, "http:8080", "metrics:9090", ":7000"));
    create(pod("svc", "client-0", Map.of("app", "client"), null, "node-1", "10.244.4.31", NODE1, T0));
    create(hostNetwork(pod("monitoring", "node-exporter-n1", Map.of("app", "node-exporter"),
        owner("apps/v1", "DaemonSet", "node-exporter"), "node-1", NODE1, NODE1, T0, "metrics:9100")));
    create(service("svc", "api", "10.96.0.30", Map.of("app", "api"), 80, new IntOrString("http")));
    create(service("svc", "api-metrics", "10.96.0.32", Map.of("app", "api"), 9090, new IntOrString(9090)));
    create(service("svc", "legacy-db", "10.96.0.31", null, 5432, new IntOrString(5432)));
    create(slice("svc", "legacy-db-abc", "legacy-db", 5432, "192.168.50.5"));
    create(service("svc", "partner", "10.96.0.33", null, 7000, new IntOrString(7000)));
    create(slice("svc", "partner-1", "partner", 7000, "10.244.4.30"));
    Instant at = T0.plus(Duration.ofMinutes(1));
    await().untilAsserted(() -> assertThat(destination("10.244.4.30", 7000, at).getServices()).containsExactly("partner"));
    // The Services and slices above came before partner's on their watches; the pods come on their own.
    await().until(() -> cache.podCount() == podsBefore + 3);

    FlowEvent viaClusterIp = enricher.enrich(flow("10.244.4.31", 41000, "10.96.0.30", 80, at, at));
    assertThat(describe(viaClusterIp.getSource()))
        .isEqualTo("POD svc/client-0 Pod/client-0 services=[] node=node-1 hostNetwork=false POD");
    assertThat(describe(viaClusterIp.getDestination()))
        .isEqualTo("SERVICE svc/null null/null services=[api] node=null hostNetwork=false SERVICE");
    assertThat(describe(destination("10.244.4.30", 8080, at)))
        .as("named targetPort http resolved against the pod's container ports")
        .isEqualTo("POD svc/api-0 StatefulSet/api services=[api] node=node-1 hostNetwork=false POD");
    assertThat(destination("10.244.4.30", 9090, at).getServices()).containsExactly("api-metrics");
    assertThat(destination("10.244.4.30", 41000, at).getServices()).isEmpty();
    FlowEvent reply = enricher.enrich(flow("10.244.4.30", 8080, "10.244.4.31", 41000, at, at));
    assertThat(reply.getSource().getServices()).as("the server side of a reply").containsExactly("api");
    assertThat(describe(destination("192.168.50.5", 5432, at)))
        .as("a Service without selector in front of a database outside the cluster")
        .isEqualTo("EXTERNAL svc/null null/null services=[legacy-db] node=null hostNetwork=false PRIVATE");
    assertThat(describe(destination(NODE1, 9100, at)))
        .isEqualTo("HOST monitoring/node-exporter-n1 DaemonSet/node-exporter services=[] node=node-1 hostNetwork=true NODE");
    assertThat(describe(destination(NODE1, 10250, at)))
        .isEqualTo("HOST null/null null/null services=[] node=node-1 hostNetwork=false NODE");
    assertThat(describe(destination("8.8.8.8", 53, at)))
        .isEqualTo("EXTERNAL null/null null/null services=[] node=null hostNetwork=false PUBLIC");
    assertThat(describe(destination("10.244.99.9", 80, at)))
        .isEqualTo("UNKNOWN null/null null/null services=[] node=null hostNetwork=false POD");

    // The slice drops the pod: the selector-less Service no longer fronts it.
    client.discovery().v1().endpointSlices().inNamespace("svc").withName("partner-1")
        .edit(s -> slice("svc", "partner-1", "partner", 7000, "10.244.4.99"));
    await().untilAsserted(() -> assertThat(destination("10.244.4.30", 7000, at).getServices()).isEmpty());
    // The selector stops matching: api-metrics no longer selects api-0.
    client.services().inNamespace("svc").withName("api-metrics")
        .edit(s -> new ServiceBuilder(s).editSpec().withSelector(Map.of("app", "other")).endSpec().build());
    await().untilAsserted(() -> assertThat(destination("10.244.4.30", 9090, at).getServices()).isEmpty());
    // A Service deleted: its ClusterIP is an unowned service address.
    client.services().inNamespace("svc").withName("api").delete();
    await().untilAsserted(() -> assertThat(describe(destination("10.96.0.30", 80, at)))
        .isEqualTo("UNKNOWN null/null null/null services=[] node=null hostNetwork=false SERVICE"));
    assertThat(destination("10.244.4.30", 8080, at).getServices()).isEmpty();
  }

  private Endpoint destination(String ip, Instant at) {
    return destination(ip, 8080, at);
  }

  private Endpoint destination(String ip, int port, Instant at) {
    return enricher.enrich(flow("10.0.0.1", 40000, ip, port, at.minusMillis(1), at)).getDestination();
  }

  static String describe(Endpoint e) {
    return e.getKind() + " " + e.getNamespace() + "/" + e.getPod() + " " + e.getWorkloadKind() + "/" + e.getWorkloadName()
        + " services=" + e.getServices() + " node=" + e.getNode() + " hostNetwork=" + e.getHostNetwork() + " "
        + e.getNetworkClass();
  }

  private static void create(io.fabric8.kubernetes.api.model.HasMetadata object) {
    client.resource(object).create();
  }

  private static ReplicaSet replicaSet(String namespace, String name, io.fabric8.kubernetes.api.model.OwnerReference owner) {
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withNamespace(namespace).withName(name);
    if (owner != null) {
      meta.withOwnerReferences(owner);
    }
    return new ReplicaSetBuilder().withMetadata(meta.build()).build();
  }

  private static Job job(String namespace, String name, io.fabric8.kubernetes.api.model.OwnerReference owner) {
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withNamespace(namespace).withName(name);
    if (owner != null) {
      meta.withOwnerReferences(owner);
    }
    return new JobBuilder().withMetadata(meta.build()).build();
  }
}
