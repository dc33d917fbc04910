package dev.flowtel.clusterstate;

import dev.flowtel.schema.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
 * Keeps the compacted topic equal to the cluster's Namespaces and NetworkPolicies: informers on
 * both kinds publish each object as it is added or changed and a tombstone when it is deleted.
 * On {@link #start()} the informers' initial lists publish everything, then every key the topic
 * still holds that the cluster no longer has gets its tombstone (a policy deleted while no
 * publisher ran).
 *
 * <p>Every record goes out from one thread, in the order the informers delivered the changes, so
 * the records of one key reach the topic in order; the resync's tombstones are decided on that
 * same thread, after the initial lists went out, so they never overtake a re-creation.
 */
public final class ClusterStatePublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterStatePublisher.class);

  private final KubernetesClient client;
  private final ClusterStateSink sink;
  private final Clock clock;
  private final Duration syncTimeout;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cluster-state-sender");
    t.setDaemon(true);
    return t;
  });
  private final List<Informed<?>> informers = new ArrayList<>();
  /** Keys whose latest published record is a value; touched on the sender thread only. */
  private final Set<String> live = new HashSet<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong tombstones = new AtomicLong();

  public ClusterStatePublisher(KubernetesClient client, ClusterStateSink sink, Clock clock, Duration syncTimeout) {
    this.client = client;
    this.sink = sink;
    this.clock = clock;
    this.syncTimeout = syncTimeout;
  }

  /**
   * Reads the topic's live keys, starts the informers, publishes the full state, tombstones the
   * keys the cluster no longer has, and returns; changes keep flowing until {@link #close()}.
   *
   * @throws TimeoutException when the API server did not list both kinds within the sync timeout
   */
  public void start() throws Exception {
    Set<String> onTopic = sink.liveKeys();
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    synced.add(inform(client.namespaces(), n -> ClusterStateKeys.namespace(n.getMetadata().getName()),
        ClusterStateRecords::namespace));
    synced.add(inform(client.network().v1().networkPolicies().inAnyNamespace(),
        p -> ClusterStateKeys.networkPolicy(p.getMetadata().getNamespace(), p.getMetadata().getName()),
        ClusterStateRecords::networkPolicy));
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("the Kubernetes API did not list namespaces and networkpolicies.networking.k8s.io within "
          + syncTimeout + "; check the publisher's RBAC (deploy/base/cluster-state-rbac.yaml) and the API server");
    }
    // The informers hand the initial lists to the handlers asynchronously: wait until every
    // object listed has gone out, then decide the tombstones on the sender thread, against the
    // informers' stores as they are then, so a re-creation is never overtaken by its tombstone.
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    while (!sender.submit(() -> live.containsAll(clusterKeys())).get()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the initial lists of namespaces and networkpolicies were not published within "
            + syncTimeout);
      }
      Thread.sleep(20);
    }
    Set<String> stale = sender.submit(() -> {
      Set<String> gone = new TreeSet<>(onTopic);
      gone.removeAll(clusterKeys());
      for (String key : gone) {
        send(key, null);
      }
      return gone;
    }).get();
    sink.flush();
    LOG.info("cluster-state: resync published {} objects and {} tombstones for objects deleted while no publisher ran",
        live.size(), stale.size());
  }

  /** The keys of every object the informers hold now. */
  private Set<String> clusterKeys() {
    Set<String> keys = new HashSet<>();
    for (Informed<?> informed : informers) {
      informed.addKeys(keys);
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

  private <T extends HasMetadata> CompletableFuture<Void> inform(
      io.fabric8.kubernetes.client.dsl.Informable<T> source, Function<T, String> key,
      BiFunction<T, java.time.Instant, ClusterState> record) {
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
        publish(object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        String k = key.apply(object);
        sender.execute(() -> send(k, null));
      }

      private void publish(T object) {
        String k = key.apply(object);
        ClusterState state;
        try {
          state = record.apply(object, clock.instant());
        } catch (RuntimeException e) {
          LOG.warn("cluster-state: cannot publish {}: {}", k, e.toString());
          return;
        }
        sender.execute(() -> send(k, state));
      }
    });
    informers.add(new Informed<>(informer, key));
    return informer.start().toCompletableFuture();
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
    informers.forEach(i -> i.informer().stop());
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
