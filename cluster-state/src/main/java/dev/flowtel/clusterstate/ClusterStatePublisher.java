package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the compacted topic equal to the cluster's Namespaces, NetworkPolicies, cluster-scoped
 * policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) and Nodes:
 * informers on every kind publish each object as it is added or changed and a tombstone when it
 * is deleted. On {@link #start()} the informers' initial lists publish everything, then every key
 * the topic still holds that the cluster no longer has gets its tombstone (a policy deleted while
 * no publisher ran).
 *
 * <p>Every record goes out from one thread, in the order the informers delivered the changes, so
 * the records of one key reach the topic in order; the resync's tombstones are decided on that
 * same thread, after the initial lists went out, so they never overtake a re-creation.
 *
 * <p>The cluster-scoped policy kinds are CRDs a cluster may not have installed: a kind the API
 * server does not serve is left out (logged once per start), and its keys still on the topic get
 * tombstones like any object the cluster no longer has. An object that cannot be read (the
 * manifest reader refuses it) is skipped with the reason logged; if the topic had an earlier
 * version of it, that version is withdrawn, since the stream jobs would otherwise judge by a
 * policy the cluster no longer has.
 */
public final class ClusterStatePublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterStatePublisher.class);

  private final KubernetesClient client;
  private final ClusterStateSink sink;
  private final Clock clock;
  private final Duration syncTimeout;
  private final boolean watchNodes;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cluster-state-sender");
    t.setDaemon(true);
    return t;
  });
  /** Guarded by itself, with {@link #closed}. */
  private final List<Informed<?>> informers = new ArrayList<>();
  private boolean closed;
  /** Keys whose latest published record is a value; touched on the sender thread only. */
  private final Set<String> live = new HashSet<>();
  /** Keys of objects whose latest version could not be read; touched on the sender thread only. */
  private final Set<String> refused = new HashSet<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong tombstones = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  /** A publisher that watches Nodes too (the default of {@code --watch-nodes}). */
  public ClusterStatePublisher(KubernetesClient client, ClusterStateSink sink, Clock clock, Duration syncTimeout) {
    this(client, sink, clock, syncTimeout, true);
  }

  /**
   * @param watchNodes whether to publish Nodes, which only the {@code nodes} peers of cluster-scoped
   *     policies need and which change often on large clusters
   */
  public ClusterStatePublisher(KubernetesClient client, ClusterStateSink sink, Clock clock, Duration syncTimeout,
      boolean watchNodes) {
    this.client = client;
    this.sink = sink;
    this.clock = clock;
    this.syncTimeout = syncTimeout;
    this.watchNodes = watchNodes;
  }

  /**
   * Reads the topic's live keys, starts the informers, publishes the full state, tombstones the
   * keys the cluster no longer has, and returns; changes keep flowing until {@link #close()}.
   *
   * @throws TimeoutException when the API server did not list every watched kind within the sync timeout
   */
  public void start() throws Exception {
    Set<String> onTopic = sink.liveKeys();
    // Asked before any informer starts, so that a refused probe (403) leaves nothing running.
    List<ClusterPolicyResource> served = Arrays.stream(ClusterPolicyResource.values()).filter(this::served).toList();
    List<String> watched = new ArrayList<>();
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    watched.add("namespaces");
    synced.add(inform(client.namespaces(), n -> ClusterStateKeys.namespace(n.getMetadata().getName()),
        ClusterStateRecords::namespace, false));
    watched.add("networkpolicies.networking.k8s.io");
    synced.add(inform(client.network().v1().networkPolicies().inAnyNamespace(),
        p -> ClusterStateKeys.networkPolicy(p.getMetadata().getNamespace(), p.getMetadata().getName()),
        ClusterStateRecords::networkPolicy, false));
    for (ClusterPolicyResource resource : served) {
      watched.add(resource.resource());
      synced.add(inform(client.genericKubernetesResources(resource.context()),
          r -> resource.key(r.getMetadata().getName()),
          (r, at) -> ClusterPolicyRecords.clusterPolicy(resource, r, at), false));
    }
    if (watchNodes) {
      watched.add("nodes");
      // A Node's status changes far more often than its labels and addresses (conditions, images,
      // heartbeats): only a change of what the record carries is published.
      synced.add(inform(client.nodes(), n -> ClusterStateKeys.node(n.getMetadata().getName()),
          ClusterStateRecords::node, true));
    }
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("the Kubernetes API did not list " + String.join(", ", watched) + " within "
          + syncTimeout + "; check the publisher's RBAC (deploy/base/cluster-state-rbac.yaml) and the API server");
    }
    // The informers hand the initial lists to the handlers asynchronously: wait until every
    // object listed has gone out (or been refused), then decide the tombstones on the sender
    // thread, against the informers' stores as they are then, so a re-creation is never
    // overtaken by its tombstone.
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    while (!sender.submit(() -> handled().containsAll(clusterKeys())).get()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the initial lists of " + String.join(", ", watched) + " were not published within "
            + syncTimeout);
      }
      Thread.sleep(20);
    }
    Set<String> stale = sender.submit(() -> {
      // A refused object's earlier version on the topic is withdrawn like a deleted object.
      Set<String> kept = clusterKeys();
      kept.removeAll(refused);
      Set<String> gone = new TreeSet<>(onTopic);
      gone.removeAll(kept);
      for (String key : gone) {
        send(key, null);
      }
      return gone;
    }).get();
    sink.flush();
    LOG.info("cluster-state: resync published {} objects and {} tombstones for objects deleted while no publisher ran"
        + " ({} skipped as unreadable); watching {}", live.size(), stale.size(), skipped.get(), String.join(", ", watched));
  }

  /** Keys published or refused: every object the informers listed once the initial lists are through. */
  private Set<String> handled() {
    Set<String> keys = new HashSet<>(live);
    keys.addAll(refused);
    return keys;
  }

  /**
   * Whether the API server serves {@code resource}. A CRD that is not installed makes its list
   * (and so its informer's start) fail with 404, which would fail the whole sync; asking first
   * lets the publisher go on without that kind. Installing the CRD later takes a restart (or a
   * change of leader) to be watched.
   */
  private boolean served(ClusterPolicyResource resource) {
    try {
      client.genericKubernetesResources(resource.context()).list(new ListOptionsBuilder().withLimit(1L).build());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        LOG.info("cluster-state: {} not served by this API server: not watched", resource.kind());
        return false;
      }
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        throw new IllegalStateException("cannot list " + resource.resource() + " (403): grant list and watch on it"
            + " (deploy/base/cluster-state-rbac.yaml)", e);
      }
      throw e;
    }
  }

  /** The keys of every object the informers hold now. */
  private Set<String> clusterKeys() {
    Set<String> keys = new HashSet<>();
    synchronized (informers) {
      for (Informed<?> informed : informers) {
        informed.addKeys(keys);
      }
    }
    return keys;
  }

  /** An informer with the way to key its objects. */
  private record Informed<T extends HasMetadata>(SharedIndexInformer<T> informer, Function<T, String> key) {
    void addKeys(Set<String> keys) {
      for (T object : informer.getStore().list()) {
        keys.add(key.apply(object));
      }
    }
  }

  /** Records with a value published so far. */
  public long records() {
    return records.get();
  }

  /** Tombstones published so far. */
  public long tombstones() {
    return tombstones.get();
  }

  /** Objects skipped because they could not be read (each version counts). */
  public long skipped() {
    return skipped.get();
  }

  /**
   * @param onlyChanges publish an update only when the record's content changed, not merely the
   *     object's resourceVersion
   */
  private <T extends HasMetadata> CompletableFuture<Void> inform(Informable<T> source, Function<T, String> key,
      BiFunction<T, Instant, ClusterState> record, boolean onlyChanges) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T object) {
        publish(object);
      }

      @Override
      public void onUpdate(T old, T object) {
        if (old != null && Objects.equals(old.getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion())) {
          return;
        }
        if (onlyChanges && old != null && sameContent(old, object)) {
          return;
        }
        publish(object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        String k = key.apply(object);
        sender.execute(() -> {
          refused.remove(k);
          send(k, null);
        });
      }

      /** Whether both versions give the same record but for observedAt and resourceVersion. */
      private boolean sameContent(T old, T object) {
        try {
          ClusterState before = record.apply(old, Instant.EPOCH);
          ClusterState after = record.apply(object, Instant.EPOCH);
          before.setResourceVersion(null);
          after.setResourceVersion(null);
          return before.equals(after);
        } catch (RuntimeException unreadable) {
          return false;
        }
      }

      private void publish(T object) {
        String k = key.apply(object);
        ClusterState state;
        try {
          state = record.apply(object, clock.instant());
        } catch (RuntimeException e) {
          skipped.incrementAndGet();
          LOG.warn("cluster-state: skipped {}: {}", k, e.getMessage());
          sender.execute(() -> refuse(k));
          return;
        }
        sender.execute(() -> {
          refused.remove(k);
          send(k, state);
        });
      }
    });
    // A close() while start() is still starting informers (leadership lost, or the process
    // stopping, during the resync) must not leave a later informer and its watch running.
    synchronized (informers) {
      if (closed) {
        throw new CancellationException("the publisher was closed while it started");
      }
      informers.add(new Informed<>(informer, key));
    }
    return informer.start().toCompletableFuture();
  }

  /** On the sender thread: the object's latest version cannot be read; withdraw what it published before. */
  private void refuse(String key) {
    refused.add(key);
    if (live.contains(key)) {
      LOG.warn("cluster-state: withdrawing the earlier version of {} (tombstone)", key);
      send(key, null);
    }
  }

  private void send(String key, ClusterState state) {
    sink.publish(key, state);
    if (state == null) {
      live.remove(key);
      tombstones.incrementAndGet();
    } else {
      live.add(key);
      records.incrementAndGet();
    }
  }

  /** Stops the informers and waits until what was published is acknowledged. */
  @Override
  public void close() {
    synchronized (informers) {
      closed = true;
      informers.forEach(i -> i.informer().stop());
    }
    sender.shutdown();
    try {
      if (!sender.awaitTermination(30, TimeUnit.SECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.flush();
  }
}
