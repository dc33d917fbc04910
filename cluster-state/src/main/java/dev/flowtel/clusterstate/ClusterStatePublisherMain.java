package dev.flowtel.clusterstate;

import dev.flowtel.wire.AvroClassTrust;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
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

  /** Runs until the process is stopped (0), or publishing fails or leadership is lost (1). */
  static int run(ClusterStatePublisherConfig config) {
    AvroClassTrust.install();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        KafkaClusterStateSink sink = new KafkaClusterStateSink(config.topic(), config.kafkaSettings(),
            config.resyncReadTimeout(), failure -> {
              LOG.error("cluster-state: {}; exiting so that a restart resyncs", failure.getMessage());
              exit.complete(1);
            })) {
      String unreachable = apiServerUnreachable(client);
      if (unreachable != null) {
        LOG.error("cluster-state: no Kubernetes API server at {} ({}): in a pod it uses the service account's in-cluster"
            + " configuration, elsewhere a kubeconfig (KUBECONFIG or ~/.kube/config); exiting", client.getMasterUrl(), unreachable);
        return 1;
      }
      Supplier<ClusterStatePublisher> publishers =
          () -> new ClusterStatePublisher(client, sink, Clock.systemUTC(), config.syncTimeout(), config.watchNodes());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> exit.complete(0), "cluster-state-shutdown"));
      AutoCloseable running;
      if (config.leaderElection()) {
        LeaderElectedPublisher leading = new LeaderElectedPublisher(client, config, config.leaseIdentity(), publishers,
            reason -> {
              LOG.error("cluster-state: {}; exiting", reason);
              exit.complete(1);
            });
        leading.start();
        running = leading;
      } else {
        ClusterStatePublisher publisher = publishers.get();
        running = publisher;
        new Thread(() -> {
          try {
            publisher.start();
          } catch (Exception e) {
            LOG.error("cluster-state: start failed: {}", e.getMessage(), e);
            exit.complete(1);
          }
        }, "cluster-state-publisher").start();
      }
      int code = exit.join();
      running.close();
      return code;
    } catch (Exception e) {
      LOG.error("cluster-state: {}", e.getMessage(), e);
      return 1;
    }
  }

  /**
   * Null when an API server answered (any HTTP status: a 403 or 404 still proves one is there);
   * otherwise why none could be reached. Without this the leader election retries an unresolvable
   * address for ever and the log never says that there is no cluster.
   */
  private static String apiServerUnreachable(KubernetesClient client) {
    try {
      client.getKubernetesVersion();
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() > 0) {
        return null;
      }
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
  }
}
