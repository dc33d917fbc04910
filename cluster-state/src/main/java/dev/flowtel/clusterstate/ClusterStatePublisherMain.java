package dev.flowtel.clusterstate;

import dev.flowtel.wire.AvroClassTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The cluster-state publisher's entry point. With leader election (the default) it publishes only
 * while it holds the Lease; when it loses the Lease it stops and exits, so its restart joins the
 * election again as a candidate and a deposed leader never writes.
 */
public final class ClusterStatePublisherMain {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterStatePublisherMain.class);

  private ClusterStatePublisherMain() {}

  public static void main(String[] args) {
    ClusterStatePublisherConfig config = new ClusterStatePublisherConfig();
    CommandLine command = new CommandLine(config);
    try {
      command.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      command.usage(System.err);
      System.exit(2);
      return;
    }
    if (command.isUsageHelpRequested()) {
      command.usage(System.out);
      return;
    }
    if (command.isVersionHelpRequested()) {
      command.printVersionHelp(System.out);
      return;
    }
    System.exit(run(config));
  }

  /** Runs until the process is stopped (0) or publishing fails or leadership is lost (1). */
  static int run(ClusterStatePublisherConfig config) {
    AvroClassTrust.install();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    AtomicReference<ClusterStatePublisher> running = new AtomicReference<>();
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        KafkaClusterStateSink sink = new KafkaClusterStateSink(config.topic(), config.kafkaSettings(),
            config.resyncReadTimeout(), failure -> {
              LOG.error("cluster-state: {}; exiting so that a restart resyncs", failure.getMessage());
              exit.complete(1);
            })) {
      Runnable publish = () -> {
        ClusterStatePublisher publisher = new ClusterStatePublisher(client, sink, Clock.systemUTC(), config.syncTimeout());
        running.set(publisher);
        try {
          publisher.start();
        } catch (Exception e) {
          LOG.error("cluster-state: start failed: {}", e.getMessage(), e);
          exit.complete(1);
        }
      };
      Runtime.getRuntime().addShutdownHook(new Thread(() -> exit.complete(0), "cluster-state-shutdown"));
      CompletableFuture<?> election = null;
      if (config.leaderElection()) {
        String identity = config.leaseIdentity();
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
                () -> new Thread(publish, "cluster-state-leader").start(),
                () -> {
                  LOG.warn("cluster-state: lost the Lease; stopping");
                  exit.complete(1);
                },
                leader -> LOG.info("cluster-state: leader is now {}", leader)))
            .build()).build().start();
      } else {
        new Thread(publish, "cluster-state-publisher").start();
      }
      int code = exit.join();
      ClusterStatePublisher publisher = running.get();
      if (publisher != null) {
        publisher.close();
      }
      if (election != null) {
        election.cancel(true);
      }
      return code;
    } catch (RuntimeException e) {
      LOG.error("cluster-state: {}", e.getMessage(), e);
      return 1;
    }
  }
}
