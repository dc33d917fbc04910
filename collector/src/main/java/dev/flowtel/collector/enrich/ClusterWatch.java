package dev.flowtel.collector.enrich;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds an {@link EnrichmentCache} from fabric8 informers on every pod, Service, EndpointSlice,
 * ReplicaSet and Job of the cluster (all namespaces: flows have remote peers, so a node needs
 * every pod, not only its own). The informers' own stores keep only each object's key and
 * resourceVersion ({@link ReducedStateItemStore}); the cache keeps the compact records, so the
 * full objects are never held.
 *
 * <p>Reads exactly: pods, services (core), endpointslices (discovery.k8s.io), replicasets (apps),
 * jobs (batch); get/list/watch, cluster-wide. That is {@code deploy/base/collector-rbac.yaml}.
 */
public final class ClusterWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

  private final KubernetesClient client;
  private final EnrichmentCache cache;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** Per informer, the adds its handler has applied: the initial list reaches handlers after the sync completes. */
  private final List<java.util.concurrent.atomic.AtomicLong> applied = new ArrayList<>();
  private final ScheduledExecutorService evictor;

  private ClusterWatch(KubernetesClient client, EnrichmentCache cache) {
    this.client = client;
    this.cache = cache;
    this.evictor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "enrichment-evictor");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the informers and returns once each has listed its kind and the cache holds what was
   * listed, so the first flows are enriched from a complete picture.
   *
   * @throws TimeoutException naming the kinds not listed within {@code syncTimeout}, usually
   *     missing RBAC (see deploy/base/collector-rbac.yaml) or an unreachable API server
   */
  public static ClusterWatch start(KubernetesClient client, EnrichmentCache cache)
      throws TimeoutException, InterruptedException {
    ClusterWatch watch = new ClusterWatch(client, cache);
    try {
      watch.startInformers();
    } catch (TimeoutException | InterruptedException | RuntimeException e) {
      watch.close();
      throw e;
    }
    return watch;
  }

  private void startInformers() throws TimeoutException, InterruptedException {
    EnrichmentSettings settings = cache.settings();
    long resync = settings.resyncPeriod().toMillis();
    List<CompletableFuture<Void>> started = new ArrayList<>();
    List<String> names = new ArrayList<>();
    started.add(inform("pods", client.pods().inAnyNamespace(), Pod.class, resync,
        pod -> cache.upsertPod(KubeObjects.pod(pod, System.currentTimeMillis())),
        (ns, name) -> cache.deletePod(ns, name)));
    names.add("pods");
    started.add(inform("services", client.services().inAnyNamespace(), Service.class, resync,
        s -> cache.upsertService(KubeObjects.service(s)), cache::deleteService));
    names.add("services");
    started.add(inform("endpointslices.discovery.k8s.io", client.discovery().v1().endpointSlices().inAnyNamespace(),
        EndpointSlice.class, resync, s -> cache.upsertEndpointSlice(KubeObjects.endpointSlice(s)), cache::deleteEndpointSlice));
    names.add("endpointslices.discovery.k8s.io");
    started.add(inform("replicasets.apps", client.apps().replicaSets().inAnyNamespace(), ReplicaSet.class, resync,
        rs -> cache.upsertOwner("ReplicaSet", rs.getMetadata().getNamespace(), rs.getMetadata().getName(),
            KubeObjects.controller(rs)),
        (ns, name) -> cache.deleteOwner("ReplicaSet", ns, name)));
    names.add("replicasets.apps");
    started.add(inform("jobs.batch", client.batch().v1().jobs().inAnyNamespace(), Job.class, resync,
        job -> cache.upsertOwner("Job", job.getMetadata().getNamespace(), job.getMetadata().getName(),
            KubeObjects.controller(job)),
        (ns, name) -> cache.deleteOwner("Job", ns, name)));
    names.add("jobs.batch");
    long timeout = settings.syncTimeout().toMillis();
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(timeout, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < started.size(); i++) {
        if (!started.get(i).isDone()) {
          missing.add(names.get(i));
        }
      }
      throw new TimeoutException("enrichment: the Kubernetes API did not list " + String.join(", ", missing) + " within "
          + settings.syncTimeout() + "; check the collector's RBAC (deploy/base/collector-rbac.yaml: get/list/watch on "
          + "each) and that the API server is reachable, or raise --informer-sync-timeout");
    } catch (ExecutionException e) {
      throw new IllegalStateException("enrichment: an informer failed to start: " + e.getCause().getMessage(), e.getCause());
    }
    awaitInitialLists(timeout);
    long every = Math.max(10_000, settings.historyRetention().toMillis() / 4);
    evictor.scheduleWithFixedDelay(cache::evictExpired, every, every, TimeUnit.MILLISECONDS);
    LOG.info("enrichment: {} pods, {} pod addresses cached from the Kubernetes API", cache.podCount(), cache.addressCount());
  }

  /** Waits (within {@code timeoutMillis}) until the handlers applied every object of the initial lists. */
  private void awaitInitialLists(long timeoutMillis) throws InterruptedException {
    long[] listed = new long[informers.size()];
    for (int i = 0; i < listed.length; i++) {
      listed[i] = informers.get(i).getStore().list().size();
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    for (int i = 0; i < listed.length; i++) {
      while (applied.get(i).get() < listed[i] && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
  }

  private <T extends HasMetadata> CompletableFuture<Void> inform(String kind, Informable<T> source, Class<T> type,
      long resyncMillis, Consumer<T> upsert, BiConsumer<String, String> delete) {
    SharedIndexInformer<T> informer = source.runnableInformer(resyncMillis);
    // Keys and resourceVersions only: the cache holds what enrichment needs.
    informer.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, type,
        client.getKubernetesSerialization()));
    java.util.concurrent.atomic.AtomicLong adds = new java.util.concurrent.atomic.AtomicLong();
    applied.add(adds);
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T object) {
        guarded(kind, object, () -> upsert.accept(object));
        adds.incrementAndGet();
      }

      @Override
      public void onUpdate(T old, T object) {
        // A resync re-delivers the stored (reduced) object with an unchanged resourceVersion: nothing new.
        if (old != null && Objects.equals(old.getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion())) {
          return;
        }
        guarded(kind, object, () -> upsert.accept(object));
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        guarded(kind, object, () -> delete.accept(object.getMetadata().getNamespace(), object.getMetadata().getName()));
      }
    });
    informers.add(informer);
    return informer.start().toCompletableFuture();
  }

  private static void guarded(String kind, HasMetadata object, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // One odd object must not stop the informer; the flows of that object stay less enriched.
      LOG.warn("enrichment: ignoring {} {}/{}: {}", kind, object.getMetadata().getNamespace(),
          object.getMetadata().getName(), e.toString());
    }
  }

  @Override
  public void close() {
    evictor.shutdownNow();
    informers.forEach(SharedIndexInformer::stop);
  }
}
