package dev.flowtel.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's CRUD Kubernetes API server for tests that open and close watches.
 *
 * <p>Why not {@code @EnableKubernetesMockClient}: in fabric8 8.0.0 a closing watch stays registered
 * until its close completes on the server's Vert.x event loop, and that close waits for the watch's
 * send executor. A change made right after a client closed a watch is still sent to it, and that
 * send waits up to 30 s for the same event loop: the server stalls, the next list times out, and the
 * extension's shutdown fails the class with "Unable to close MockWebServer" after its tests passed.
 * Tests here call {@link #awaitWatchesClosed()} after stopping a watcher and before the next change,
 * and {@link #close()} does the same before stopping the server.
 *
 * <p>Needs {@code io.fabric8:kubernetes-server-mock} on the test classpath of the module that uses
 * it (an optional dependency here, so that other modules' tests do not carry Vert.x).
 */
public final class MockKubernetesApi implements AfterAllCallback, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(MockKubernetesApi.class.getName());

  /** Above the mock's own 30 s send timeout, so that a stall ends before this gives up. */
  private static final Duration WATCH_CLOSE_LIMIT = Duration.ofSeconds(45);

  private final KubernetesCrudDispatcher dispatcher;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<KubernetesClient> otherClients = new CopyOnWriteArrayList<>();

  /** Starts a server that stores what clients create and sends watch events for it, like a real API server. */
  public MockKubernetesApi() {
    dispatcher = new KubernetesCrudDispatcher();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
    server.init();
    client = server.createClient();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Another client of this server, built with {@code customizer} (for example an HTTP interceptor
   * that lets a test see one replica's requests); closed with the server.
   */
  public KubernetesClient client(Consumer<KubernetesClientBuilder> customizer) {
    KubernetesClient other = server.createClient(customizer);
    otherClients.add(other);
    return other;
  }

  /**
   * Returns once the server has finished closing every watch a client closed, so that no later
   * change is sent to a closing watch (see the class comment).
   */
  public void awaitWatchesClosed() {
    Set<?> open = openWatches();
    long deadline = System.nanoTime() + WATCH_CLOSE_LIMIT.toNanos();
    while (!open.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(open.size() + " watch(es) still open on the mock API server after "
            + WATCH_CLOSE_LIMIT + "; close every informer and watch the test started");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** fabric8 does not expose this set; reading it is what makes the waiting above exact. */
  private Set<?> openWatches() {
    try {
      Field listeners = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
      listeners.setAccessible(true);
      return (Set<?>) listeners.get(dispatcher);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8's KubernetesCrudDispatcher changed; update MockKubernetesApi", e);
    }
  }

  @Override
  public void close() {
    otherClients.forEach(KubernetesClient::close);
    client.close();
    awaitWatchesClosed();
    try {
      server.destroy();
    } catch (IllegalStateException stalledShutdown) {
      LOG.log(Level.WARNING, "mock Kubernetes API server did not stop cleanly (fabric8 watch-close stall); "
          + "its threads end with the test JVM", stalledShutdown);
    }
  }
}
