package dev.flowtel.collector.enrich;

import static dev.flowtel.collector.enrich.KubeFixtures.flow;
import static dev.flowtel.collector.enrich.KubeFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.testing.MockKubernetesApi;
import dev.flowtel.wire.AvroClassTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given pods that exist before the collector starts, when {@link ClusterWatch#start} returns,
 * then every one of them is already in the cache: the first flows are enriched, not only later ones.
 */
@Timeout(60)
class ClusterWatchStartTest {

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  @Test
  void whenStartReturnsThePodsAlreadyThereAreEnriched() throws Exception {
    AvroClassTrust.install();
    Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
    for (int i = 0; i < 200; i++) {
      client.resource(pod("early", "p" + i, Map.of("i", "" + i), null, "node-1", "10.244." + (i / 100) + "." + (i % 100),
          "192.168.0.11", t0)).create();
    }
    EnrichmentCache cache = new EnrichmentCache(EnrichmentSettings.defaults(), new MutableClock(t0.plusSeconds(60)));
    FlowEnricher enricher = new FlowEnricher(cache);
    try (ClusterWatch watch = ClusterWatch.start(client, cache)) {
      assertThat(cache.podCount()).isEqualTo(200);
      for (int i = 0; i < 200; i++) {
        String ip = "10.244." + (i / 100) + "." + (i % 100);
        assertThat(enricher.enrich(flow("10.0.0.1", 40000, ip, 80, t0, t0.plusSeconds(1))).getDestination().getPod())
            .isEqualTo("p" + i);
      }
      awaitReplayToNewWatchesSent(cache);
    }
  }

  /**
   * fabric8's mock server sends every pod that exists to a watch that opens (a real API server
   * sends only what changed after the listed resourceVersion), one send at a time on the watch's
   * own thread. Closing the watch while those sends are queued blocks the mock's event loop for
   * 30 s (the close waits for that thread, whose sends wait for the event loop). A pod created now
   * is sent behind them: once the cache has it, every earlier send is done and the close is immediate.
   */
  private static void awaitReplayToNewWatchesSent(EnrichmentCache cache) {
    client.resource(pod("early", "replay-marker", Map.of(), null, "node-1", "10.244.9.9", "192.168.0.11",
        Instant.parse("2026-11-26T10:00:00Z"))).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> cache.podCount() == 201);
  }
}
