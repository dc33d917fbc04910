package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.testing.MockKubernetesApi;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given two replicas with leader election on one Lease, exactly one publishes; when it leaves, the
 * other takes the Lease and publishes the full state.
 */
@Timeout(60)
class LeaderElectedPublisherTest {

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  @Test
  void exactlyOneReplicaPublishesAndTheOtherTakesOverWhenItLeaves() {
    client.resource(ClusterStatePublisherTest.namespace("shop", Map.of())).create();
    ClusterStatePublisherConfig config = ClusterStatePublisherConfig.parse("--lease-namespace", "flowtel",
        "--lease-duration", "2s", "--renew-deadline", "1500ms", "--retry-period", "200ms");
    List<String> ended = new CopyOnWriteArrayList<>();
    RecordingSink sinkA = new RecordingSink(Set.of());
    RecordingSink sinkB = new RecordingSink(Set.of());
    LeaderElectedPublisher a = replica(config, "replica-a", sinkA, ended);
    a.start();
    await().until(() -> sinkA.published().size() == 1);
    LeaderElectedPublisher b = replica(config, "replica-b", sinkB, ended);
    b.start();
    try {
      // b has retried many times (every 200 ms) by now and stays a candidate.
      await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
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

  private static LeaderElectedPublisher replica(ClusterStatePublisherConfig config, String identity, RecordingSink sink,
      List<String> ended) {
    return new LeaderElectedPublisher(client, config, identity,
        () -> new ClusterStatePublisher(client, sink, Clock.systemUTC(), Duration.ofSeconds(20)), ended::add);
  }

  private static Lease lease() {
    return client.leases().inNamespace("flowtel").withName("flowtel-cluster-state").get();
  }
}
