package dev.flowtel.collector.source;

/**
 * Where the collector's flows come from: the eBPF datapath, the simulator, or Hubble's exporter.
 * Every source looks alike to the rest of the agent, so enrichment and the publisher never know
 * which one runs.
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

  /** Stops delivering, flushes what is in hand to the sink, and releases what the source holds. */
  @Override
  void close();
}
