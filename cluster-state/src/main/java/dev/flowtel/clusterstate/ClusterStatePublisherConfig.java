package dev.flowtel.clusterstate;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.wire.FlowtelTopics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option of the cluster-state publisher, its default and its meaning, in one place: the
 * program's {@code --help}, cluster-state/README.md and deploy/base/cluster-state-deployment.yaml
 * use these names.
 */
@Command(name = "flowtel-cluster-state", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = "Publishes the cluster's Namespaces, NetworkPolicies, AdminNetworkPolicies, BaselineAdminNetworkPolicies, "
        + "ClusterNetworkPolicies and Nodes to the compacted Kafka topic the stream jobs evaluate policies from: one record "
        + "per object keyed Namespace/<name>, NetworkPolicy/<namespace>/<name>, <Kind>/<name> or Node/<name>, a tombstone "
        + "when it is deleted, and a full resync (with tombstones for objects deleted meanwhile) on start. A policy CRD "
        + "the API server does not serve is left out.")
public final class ClusterStatePublisherConfig {

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--topic", defaultValue = FlowtelTopics.CLUSTER_STATE,
      description = "The compacted topic to publish to; it must exist (deploy/kafka/topics.yaml creates it).")
  String topic;

  @Option(names = "--leader-election", arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "Publish only while holding a Kubernetes Lease, so that of several replicas exactly one writes. "
          + "Default: true; false for a single replica outside Kubernetes.")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "flowtel-cluster-state", description = "Name of the Lease.")
  String leaseName;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-flowtel}",
      description = "Namespace of the Lease: the publisher's own (the Deployment passes its POD_NAMESPACE).")
  String leaseNamespace;

  @Option(names = "--lease-identity", defaultValue = "",
      description = "This replica's name in the Lease; empty means the host name (the pod name in Kubernetes).")
  String leaseIdentity;

  @Option(names = "--lease-duration", defaultValue = "15s", converter = DurationOption.class,
      description = "How long a Lease holds without renewal: a new leader takes over at most this long after the old one died.")
  Duration leaseDuration;

  @Option(names = "--renew-deadline", defaultValue = "10s", converter = DurationOption.class,
      description = "The leader gives up (and exits, to be restarted) when it cannot renew within this.")
  Duration renewDeadline;

  @Option(names = "--retry-period", defaultValue = "2s", converter = DurationOption.class,
      description = "How often candidates try to acquire, and the leader to renew, the Lease.")
  Duration retryPeriod;

  @Option(names = "--resync-read-timeout", defaultValue = "120s", converter = DurationOption.class,
      description = "How long the start-up resync may take to read the topic to its end (to find keys to tombstone).")
  Duration resyncReadTimeout;

  @Option(names = "--sync-timeout", defaultValue = "60s", converter = DurationOption.class,
      description = "How long to wait for the first full list of every watched kind.")
  Duration syncTimeout;

  @Option(names = "--watch-nodes", arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "Publish Nodes (labels and InternalIP/ExternalIP addresses), which only the nodes peers of "
          + "cluster-scoped policies need. Default: true; false on large clusters whose Node churn is not worth it "
          + "(Node keys already on the topic then get tombstones).")
  boolean watchNodes;

  /** Parses {@code args}; picocli errors name the option. */
  public static ClusterStatePublisherConfig parse(String... args) {
    ClusterStatePublisherConfig config = new ClusterStatePublisherConfig();
    new CommandLine(config).parseArgs(args);
    return config;
  }

  public String topic() {
    return topic;
  }

  public boolean leaderElection() {
    return leaderElection;
  }

  public String leaseName() {
    return leaseName;
  }

  public String leaseNamespace() {
    return leaseNamespace;
  }

  /** The configured identity, else the host name (a pod's name). */
  public String leaseIdentity() {
    if (leaseIdentity != null && !leaseIdentity.isBlank()) {
      return leaseIdentity;
    }
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "flowtel-cluster-state-" + ProcessHandle.current().pid();
    }
  }

  public Duration leaseDuration() {
    return leaseDuration;
  }

  public Duration renewDeadline() {
    return renewDeadline;
  }

  public Duration retryPeriod() {
    return retryPeriod;
  }

  public Duration resyncReadTimeout() {
    return resyncReadTimeout;
  }

  public Duration syncTimeout() {
    return syncTimeout;
  }

  public boolean watchNodes() {
    return watchNodes;
  }

  /** Client settings: the properties file over the bootstrap servers, as every Flowtel program reads them. */
  public Map<String, Object> kafkaSettings() {
    return kafka.settings();
  }
}
