package dev.flowtel.streams.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The interactive queries answered for the whole application: this instance's answer, and the
 * other instances' answers for the partitions they hold (asked in parallel, each given at most the
 * peer timeout), merged by {@link QueryMerge}. An instance that fails or is too slow is named in
 * the answer, which is then partial, rather than failing or holding up the whole query.
 */
public final class FleetQueries {

  /** What an instance answers from the active tasks it holds. */
  public interface Local {

    TopEdges topEdges(int n, String window);

    List<OpenAnomaly> openAnomalies();
  }

  /** The same questions put to another instance ({@code scope=local}). */
  public interface Remote {

    CompletableFuture<TopEdges> topEdges(HostInfo instance, int n, String window);

    CompletableFuture<List<OpenAnomaly>> openAnomalies(HostInfo instance);
  }

  private final Local local;
  private final Supplier<List<HostInfo>> otherInstances;
  private final Remote remote;
  private final Duration peerTimeout;

  public FleetQueries(Local local, Supplier<List<HostInfo>> otherInstances, Remote remote, Duration peerTimeout) {
    this.local = local;
    this.otherInstances = otherInstances;
    this.remote = remote;
    this.peerTimeout = peerTimeout;
  }

  /**
   * {@code window=latest} means the newest window of the whole application: instances whose own
   * latest window is older (or that hold none) are asked again for that window, so the edges
   * of different windows are never ranked together.
   */
  public FleetAnswer<TopEdges> topEdges(int n, String window) {
    TopEdges own = local.topEdges(n, window); // first: a malformed window fails here, before any instance is asked
    Map<String, String> failed = new LinkedHashMap<>();
    Map<HostInfo, TopEdges> answers = ask(otherInstances.get(), peer -> remote.topEdges(peer, n, window), failed);
    List<TopEdges> all = new ArrayList<>(answers.values());
    all.add(own);
    Instant start = QueryMerge.latestWindow(all).orElse(null);
    if (window.equals("latest") && start != null) {
      String exact = start.toString();
      if (!start.equals(own.windowStart())) {
        own = local.topEdges(n, exact);
      }
      List<HostInfo> behind = answers.entrySet().stream().filter(e -> !start.equals(e.getValue().windowStart()))
          .map(Map.Entry::getKey).toList();
      answers.putAll(ask(behind, peer -> remote.topEdges(peer, n, exact), failed));
      behind.stream().filter(peer -> failed.containsKey(label(peer))).forEach(answers::remove);
      all = new ArrayList<>(answers.values());
      all.add(own);
    }
    return new FleetAnswer<>(QueryMerge.topEdges(n, window.equals("latest") ? start : own.windowStart(), all), failed);
  }

  public FleetAnswer<List<OpenAnomaly>> openAnomalies() {
    List<OpenAnomaly> own = local.openAnomalies();
    Map<String, String> failed = new LinkedHashMap<>();
    List<List<OpenAnomaly>> all = new ArrayList<>(ask(otherInstances.get(), remote::openAnomalies, failed).values());
    all.add(own);
    return new FleetAnswer<>(QueryMerge.openAnomalies(all), failed);
  }

  /** Asks every instance at once and waits at most the peer timeout in all; the ones that fail go to {@code failed}. */
  private <T> Map<HostInfo, T> ask(List<HostInfo> instances, Function<HostInfo, CompletableFuture<T>> question,
      Map<String, String> failed) {
    Map<HostInfo, CompletableFuture<T>> pending = new LinkedHashMap<>();
    for (HostInfo instance : instances) {
      try {
        pending.put(instance, question.apply(instance));
      } catch (RuntimeException e) {
        pending.put(instance, CompletableFuture.failedFuture(e));
      }
    }
    long deadline = System.nanoTime() + peerTimeout.toNanos();
    Map<HostInfo, T> answers = new LinkedHashMap<>();
    for (Map.Entry<HostInfo, CompletableFuture<T>> e : pending.entrySet()) {
      try {
        answers.put(e.getKey(), e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException timeout) {
        e.getValue().cancel(true);
        failed.put(label(e.getKey()), "no answer within " + peerTimeout.toMillis() + " ms (--peer-query-timeout)");
      } catch (ExecutionException | CompletionException | CancellationException error) {
        failed.put(label(e.getKey()), reason(error));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        failed.put(label(e.getKey()), "interrupted");
      }
    }
    return answers;
  }

  static String label(HostInfo instance) {
    return instance.host() + ':' + instance.port();
  }

  private static String reason(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
