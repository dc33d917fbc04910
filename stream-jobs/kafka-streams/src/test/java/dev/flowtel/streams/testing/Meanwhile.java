package dev.flowtel.streams.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a piece of a test on a daemon thread of its own, so the test's own thread can work on
 * something else meanwhile. Not the common pool: on two cores it has one worker, which Flink and
 * the Kafka clients also use.
 */
public final class Meanwhile {

  private Meanwhile() {}

  public static <T> CompletableFuture<T> run(String name, Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(work.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
