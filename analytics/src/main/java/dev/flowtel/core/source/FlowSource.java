package dev.flowtel.core.source;

import java.time.Duration;

/**
 * Where the collector's flows come from: the eBPF datapath, the simulator, or Hubble's exporter.
 * Every source looks alike to the rest of the agent, so enrichment and the publisher never know
 * which one runs. It lives on the ground floor so that the simulator, which the node agent must not
 * carry, can be a source too ({@link SyntheticSourceFactory}).
 */
public interface FlowSource extends AutoCloseable {

  /** The name used by {@code --source} and in metrics: {@code ebpf}, {@code synthetic}, {@code hubble}. */
  String name();

  /**
   * Starts delivering to {@code sink} on the source's own threads and returns. The sink may block
   * (back-pressure); a source whose producer must never block (the kernel) drops or aggregates
   * on its own side and counts what it lost.
   */
  void start(FlowSink sink) throws Exception;

  /**
   * True when the source gives each flow its service edge as partition key itself (the simulator
   * knows its call graph); false when the collector must compute it once endpoints are enriched.
   */
  default boolean keysByServiceEdge() {
    return false;
  }

  /**
   * Waits for a source with an end (a file, a bounded simulation) to reach it; true when it did
   * within {@code timeout}. A source without an end waits out the timeout and returns false.
   */
  default boolean awaitEnd(Duration timeout) throws InterruptedException {
    Thread.sleep(timeout.toMillis());
    return false;
  }

  /** Stops delivering, flushes what is in hand to the sink, and releases what the source holds. */
  @Override
  void close();
}
