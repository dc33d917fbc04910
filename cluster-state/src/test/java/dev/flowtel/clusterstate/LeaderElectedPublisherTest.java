package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.testing.MockKubernetesApi;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given two replicas with leader election on one Lease, exactly one publishes; when it leaves, the
 * other takes the Lease and publishes the full state.
 */
@Timeout(120)
class LeaderElectedPublisherTest {

  /** Waits for a state; the limit is a safety net for a busy machine, not a condition. */
  private static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60));
  }

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  @Test
  void exactlyOneReplicaPublishesAndTheOtherTakesOverWhenItLeaves() {
    client.resource(ClusterStatePublisherTest.namespace("shop", Map.of())).create();
    // A Lease far longer than the test, so that only a's close can hand it over: a replica starved
    // of CPU on a busy machine must not lose it by missing renewals.
    ClusterStatePublisherConfig config = ClusterStatePublisherConfig.parse("--lease-namespace", "flowtel",
        "--lease-duration", "10m", "--renew-deadline", "5m", "--retry-period", "200ms");
    List<String> ended = new CopyOnWriteArrayList<>();
    RecordingSink sinkA = new RecordingSink(Set.of());
    RecordingSink sinkB = new RecordingSink(Set.of());
    LeaderElectedPublisher a = replica(client, config, "replica-a", sinkA, ended);
    a.start();
    await().until(() -> sinkA.published().size() == 1);
    AtomicInteger leaseReadsByB = new AtomicInteger();
    LeaderElectedPublisher b = replica(api.client(builder -> builder.withHttpClientBuilderConsumer(
        http -> http.addOrReplaceInterceptor("count-lease-reads", new LeaseReads(config.leaseName(), leaseReadsByB)))),
        config, "replica-b", sinkB, ended);
    b.start();
    try {
      // b's election reads the Lease once per attempt and starts the next attempt only after the
      // previous one ended: the third read means two whole attempts were decided while a held it.
      await().until(() -> leaseReadsByB.get() >= 3);
      assertThat(sinkB.published()).isEmpty();
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-a");
      assertThat(a.publishing()).isTrue();
      assertThat(b.publishing()).isFalse();

      a.close();
      await().until(() -> sinkB.published().size() == 1);
      assertThat(sinkB.lines()).containsExactly("Namespace/shop -> namespace shop {}");
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-b");
      assertThat(ended).isEmpty();
    } finally {
      a.close();
      b.close();
    }
  }

  private static LeaderElectedPublisher replica(KubernetesClient client, ClusterStatePublisherConfig config, String identity,
      RecordingSink sink, List<String> ended) {
    return new LeaderElectedPublisher(client, config, identity,
        () -> new ClusterStatePublisher(client, sink, Clock.systemUTC(), Duration.ofSeconds(20)), ended::add);
  }

  private static Lease lease() {
    return client.leases().inNamespace("flowtel").withName("flowtel-cluster-state").get();
  }

  /** Counts the reads of one Lease a client sends. */
  private record LeaseReads(String leaseName, AtomicInteger count) implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (request.method().equals("GET") && request.uri().getPath().endsWith("/leases/" + leaseName)) {
        count.incrementAndGet();
      }
    }
  }
}
