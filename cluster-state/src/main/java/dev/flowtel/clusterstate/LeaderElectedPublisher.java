package dev.flowtel.clusterstate;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ClusterStatePublisher} only while this replica holds the Kubernetes Lease, so of
 * several replicas exactly one writes the compacted topic. A new leader starts with the full
 * resync, so whatever changed while leadership moved is published. Losing the Lease is reported
 * through {@code onEnd}: the process should exit rather than keep a publisher that may overlap
 * with the next leader.
 */
public final class LeaderElectedPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElectedPublisher.class);

  private final KubernetesClient client;
  private final ClusterStatePublisherConfig config;
  private final String identity;
  private final Supplier<ClusterStatePublisher> publishers;
  private final Consumer<String> onEnd;
  private final AtomicReference<ClusterStatePublisher> running = new AtomicReference<>();
  private volatile CompletableFuture<?> election;
  private volatile boolean closing;

  /**
   * @param onEnd called once with the reason when this replica stops publishing for good (lost
   *     Lease, failed start); not called on {@link #close()}
   */
  public LeaderElectedPublisher(KubernetesClient client, ClusterStatePublisherConfig config, String identity,
      Supplier<ClusterStatePublisher> publishers, Consumer<String> onEnd) {
    this.client = client;
    this.config = config;
    this.identity = identity;
    this.publishers = publishers;
    this.onEnd = onEnd;
  }

  /** Joins the election and returns; publishing starts when this replica becomes the leader. */
  public void start() {
    LOG.info("cluster-state: {} waiting for Lease {}/{}", identity, config.leaseNamespace(), config.leaseName());
    election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("flowtel-cluster-state")
        .withLock(new LeaseLock(config.leaseNamespace(), config.leaseName(), identity))
        .withLeaseDuration(config.leaseDuration())
        .withRenewDeadline(config.renewDeadline())
        .withRetryPeriod(config.retryPeriod())
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(
            // Off the elector's thread: the start-up resync must not delay the Lease renewals.
            () -> new Thread(this::lead, "cluster-state-leader").start(),
            () -> {
              if (!closing) {
                LOG.warn("cluster-state: {} lost the Lease; stopping", identity);
                stopPublishing();
                onEnd.accept("lost the Lease " + config.leaseNamespace() + "/" + config.leaseName());
              }
            },
            leader -> LOG.info("cluster-state: the leader is now {}", leader)))
        .build()).build().start();
  }

  /** Whether this replica publishes now. */
  public boolean publishing() {
    return running.get() != null;
  }

  private void lead() {
    LOG.info("cluster-state: {} leads; resyncing", identity);
    ClusterStatePublisher publisher = publishers.get();
    running.set(publisher);
    try {
      publisher.start();
    } catch (Exception e) {
      LOG.error("cluster-state: start failed: {}", e.getMessage(), e);
      stopPublishing();
      onEnd.accept("start failed: " + e.getMessage());
    }
  }

  private void stopPublishing() {
    ClusterStatePublisher publisher = running.getAndSet(null);
    if (publisher != null) {
      publisher.close();
    }
  }

  /** Stops publishing and gives the Lease up, so another replica takes over without waiting for it to expire. */
  @Override
  public void close() {
    closing = true;
    stopPublishing();
    CompletableFuture<?> e = election;
    if (e != null) {
      e.cancel(true);
    }
  }
}
