package dev.flowtel.collector.metrics;

/**
 * What the kernel-side capture reports to the collector's Prometheus endpoint. The eBPF source
 * calls these from its evictor and ring-buffer threads; implementations are thread-safe.
 */
public interface CaptureMetrics {

  /** Entries in the kernel flow map after the latest drain (a gauge). */
  void mapEntries(long entries);

  /** Flows drained from the kernel map (added to a counter). */
  void evicted(long flows);

  /** New-flow announcements the kernel could not put on the full ring buffer (added to a counter). */
  void ringBufferDropped(long events);

  /** For sources and tests that have no kernel side. */
  CaptureMetrics NONE = new CaptureMetrics() {
    @Override
    public void mapEntries(long entries) {}

    @Override
    public void evicted(long flows) {}

    @Override
    public void ringBufferDropped(long events) {}
  };
}
