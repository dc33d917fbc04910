package dev.flowtel.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real three-node KRaft Kafka cluster, each node a combined broker and controller in its own JVM
 * ({@link KafkaBroker}s formatted with one cluster id and a three-voter quorum), replicating every
 * topic three times with {@code min.insync.replicas} 2, the internal ones (consumer offsets,
 * transaction state) included: the smallest cluster that keeps taking {@code acks=all} writes and
 * transactions with one node down. Combined nodes start as fast as one broker does (a node per
 * role would be six JVMs on a laptop). Nodes can be killed (SIGKILL) and restarted with their data,
 * for fault tests; their logs stay under {@code <directory>/node-<id>/logs}.
 */
public final class KafkaCluster implements LocalKafka, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration READY_WITHIN = Duration.ofSeconds(120);

  /**
   * Where the cluster keeps its nodes' folders, how many nodes (three: a majority of voters and an
   * in-sync quorum of replicas survive one node down), each node's heap, its nodes' client ports
   * (empty: free ports), and extra server properties for every node.
   */
  public record Settings(Path directory, int nodes, String heap, List<Integer> ports, Map<String, String> overrides) {

    public static final int REPLICATION_FACTOR = 3;
    public static final int MIN_IN_SYNC_REPLICAS = 2;

    public Settings {
      if (nodes != REPLICATION_FACTOR) {
        throw new IllegalArgumentException("a Flowtel Kafka cluster has " + REPLICATION_FACTOR + " nodes (replication factor "
            + REPLICATION_FACTOR + ", min.insync.replicas " + MIN_IN_SYNC_REPLICAS + "), not " + nodes);
      }
      if (!ports.isEmpty() && ports.size() != nodes) {
        throw new IllegalArgumentException("give one client port per node (" + nodes + "), not " + ports);
      }
      ports = List.copyOf(ports);
      overrides = Map.copyOf(overrides);
    }

    public static Settings in(Path directory) {
      return new Settings(directory, REPLICATION_FACTOR, "384m", List.of(), Map.of());
    }

    public Settings withHeap(String newHeap) {
      return new Settings(directory, nodes, newHeap, ports, overrides);
    }

    /** Node 1 on {@code firstPort}, node 2 on the next port, and so on. */
    public Settings withPortsFrom(int firstPort) {
      return new Settings(directory, nodes, heap, IntStream.range(0, nodes).mapToObj(i -> firstPort + i).toList(), overrides);
    }

    public Settings withOverrides(Map<String, String> more) {
      Map<String, String> merged = new LinkedHashMap<>(overrides);
      merged.putAll(more);
      return new Settings(directory, nodes, heap, ports, merged);
    }
  }

  private final Map<Integer, KafkaBroker> nodes;
  private final Thread stopAtExit;

  private KafkaCluster(Map<Integer, KafkaBroker> nodes) {
    this.nodes = nodes;
    this.stopAtExit = new Thread(this::close, "stop-kafka-cluster");
  }

  /**
   * Starts every node, waits until each serves metadata and the internal topics are fully
   * replicated; registers a shutdown hook that stops the nodes.
   */
  public static KafkaCluster start(Settings settings) {
    Instant begin = Instant.now();
    String clusterId = Uuid.randomUuid().toString();
    Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
    for (int id = 1; id <= settings.nodes(); id++) {
      controllerPorts.put(id, LocalPorts.free());
    }
    String voters = controllerPorts.entrySet().stream()
        .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue()).collect(Collectors.joining(","));
    Map<Integer, KafkaBroker> nodes = new LinkedHashMap<>();
    for (int id = 1; id <= settings.nodes(); id++) {
      int port = settings.ports().isEmpty() ? LocalPorts.free() : settings.ports().get(id - 1);
      Map<String, String> properties = new LinkedHashMap<>(replicatedProperties(id, voters));
      properties.putAll(settings.overrides());
      nodes.put(id, KafkaBroker.create(new KafkaBroker.Settings(settings.directory().resolve("node-" + id), port,
          controllerPorts.get(id), null, properties, settings.heap(), clusterId)));
    }
    KafkaCluster cluster = new KafkaCluster(nodes);
    try {
      // No node serves before a majority of voters runs: launch them all, then wait for each. In
      // parallel: each first formats its storage in a JVM of its own, seconds on a busy machine.
      parallel(nodes.values(), KafkaBroker::launch);
      nodes.values().forEach(node -> node.awaitReady(READY_WITHIN));
      cluster.awaitFullyReplicated(READY_WITHIN);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(cluster.stopAtExit);
    log.info("Kafka cluster of {} nodes ready at {} in {} ms (data in {})", nodes.size(), cluster.bootstrapServers(),
        Duration.between(begin, Instant.now()).toMillis(), settings.directory());
    return cluster;
  }

  /**
   * The properties that make node {@code id} one of three, over a single broker's: its id, the
   * voters, and replication factor 3 with min ISR 2 for new topics and for the internal ones (a
   * single broker has them at 1). Kafka's own default for the transaction state's min ISR is 2, but
   * for topics it is 1: a write acknowledged by a lone leader would be lost with it.
   */
  static Map<String, String> replicatedProperties(int id, String voters) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("node.id", Integer.toString(id));
    p.put("controller.quorum.voters", voters);
    p.put("default.replication.factor", Integer.toString(Settings.REPLICATION_FACTOR));
    p.put("min.insync.replicas", Integer.toString(Settings.MIN_IN_SYNC_REPLICAS));
    p.put("offsets.topic.replication.factor", Integer.toString(Settings.REPLICATION_FACTOR));
    p.put("transaction.state.log.replication.factor", Integer.toString(Settings.REPLICATION_FACTOR));
    p.put("transaction.state.log.min.isr", Integer.toString(Settings.MIN_IN_SYNC_REPLICAS));
    p.put("share.coordinator.state.topic.replication.factor", Integer.toString(Settings.REPLICATION_FACTOR));
    p.put("share.coordinator.state.topic.min.isr", Integer.toString(Settings.MIN_IN_SYNC_REPLICAS));
    // Never elect a replica that missed acknowledged writes: losing a node must not lose records.
    p.put("unclean.leader.election.enable", "false");
    return p;
  }

  /** Every node's address, as clients should be given it: any live node tells them about the others. */
  @Override
  public String bootstrapServers() {
    return nodes.values().stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
  }

  public Set<Integer> nodeIds() {
    return nodes.keySet();
  }

  public KafkaBroker node(int id) {
    KafkaBroker node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no Kafka node " + id + " in this cluster; its nodes are " + nodes.keySet());
    }
    return node;
  }

  public Path logFile(int id) {
    return node(id).logFile();
  }

  @Override
  public List<Path> logFiles() {
    return nodes.values().stream().map(KafkaBroker::logFile).toList();
  }

  @Override
  public short replicationFactor() {
    return Settings.REPLICATION_FACTOR;
  }

  @Override
  public void stop() {
    close();
  }

  public boolean isRunning(int id) {
    return node(id).isRunning();
  }

  /** SIGKILL to node {@code id} (see {@link KafkaBroker#kill}); returns once its process is gone. */
  public void kill(int id) {
    log.warn("killing Kafka node {} (SIGKILL)", id);
    node(id).kill();
  }

  /**
   * Starts node {@code id} again with the data it had, and returns once it serves and every
   * partition it replicates is back in sync (its ISR holds all three replicas again).
   */
  public void restart(int id) {
    Instant begin = Instant.now();
    node(id).start();
    awaitFullyReplicated(READY_WITHIN);
    log.info("Kafka node {} restarted and back in sync in {} ms", id, Duration.between(begin, Instant.now()).toMillis());
  }

  /** The id of the node that leads {@code topic}'s {@code partition} now. */
  public int leaderOf(String topic, int partition) {
    try (Admin admin = admin()) {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      TopicPartitionInfo info = description.partitions().stream().filter(p -> p.partition() == partition).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("topic " + topic + " has no partition " + partition));
      if (info.leader() == null || info.leader().isEmpty()) {
        throw new IllegalStateException("partition " + topic + "-" + partition + " has no leader now");
      }
      return info.leader().id();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot describe topic " + topic + " at " + bootstrapServers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    }
  }

  /**
   * Waits until {@code topic}'s {@code partition} is led by a node other than {@code formerLeader}
   * (after a kill, once the controller has fenced it); returns the new leader's id.
   */
  public int awaitNewLeader(String topic, int partition, int formerLeader, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        int leader = leaderOf(topic, partition);
        if (leader != formerLeader) {
          return leader;
        }
      } catch (IllegalStateException noLeaderYet) {
        // The election is under way; look again.
      }
      ChildProcess.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException(topic + "-" + partition + " was still led by node " + formerLeader + " after " + timeout);
  }

  /**
   * Waits until every partition of every topic, internal ones included, has a leader and all its
   * replicas in sync: what a cluster that lost no node looks like.
   *
   * @throws IllegalStateException naming the partitions still short of replicas after {@code timeout}
   */
  public void awaitFullyReplicated(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    List<String> short_ = List.of("(not described yet)");
    while (Instant.now().isBefore(deadline)) {
      try {
        short_ = underReplicated();
        if (short_.isEmpty()) {
          return;
        }
      } catch (IllegalStateException notAnswering) {
        short_ = List.of(notAnswering.getMessage());
      }
      ChildProcess.sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException("Kafka partitions not fully replicated after " + timeout.toSeconds() + " s: " + short_);
  }

  /** Partitions with no leader or fewer in-sync replicas than replicas, as "topic-partition isr=[..] replicas=[..]". */
  public List<String> underReplicated() {
    try (Admin admin = admin()) {
      Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
      List<String> result = new ArrayList<>();
      if (names.isEmpty()) {
        return result;
      }
      for (TopicDescription d : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < p.replicas().size()) {
            result.add(d.name() + "-" + p.partition() + " isr=" + ids(p.isr()) + " replicas=" + ids(p.replicas()));
          }
        }
      }
      return result;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot describe the cluster's topics: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics", e);
    }
  }

  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  @Override
  public void stopOnlyWhenAsked() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException exiting) {
      // The JVM is already exiting: the hook runs anyway.
    }
  }

  /**
   * Stops every node at once (SIGTERM, SIGKILL after 20 s); data stays. One after the other, the
   * last node would have no quorum left to hand its leadership to and wait out its controlled
   * shutdown in vain.
   */
  @Override
  public void close() {
    parallel(nodes.values(), KafkaBroker::stop);
  }

  /** Runs {@code action} on every node at once, each on a thread of its own; rethrows the first failure. */
  private static void parallel(Collection<KafkaBroker> nodes, java.util.function.Consumer<KafkaBroker> action) {
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (KafkaBroker node : nodes) {
      Thread t = new Thread(() -> {
        try {
          action.accept(node);
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, "kafka-node-" + node.bootstrapServers());
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting or stopping Kafka nodes", e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).sorted().toList();
  }
}
