package dev.flowtel.collector.enrich;

import dev.flowtel.schema.Endpoint;

/**
 * A pod in the cache with the Endpoints built for it, so enriching a flow reuses them instead of
 * building strings and maps per flow. The built Endpoints are shared by every flow of the pod:
 * consumers must treat a flow's endpoints as read-only (as with the simulator's flows).
 */
final class PodEntry {

  /**
   * Endpoints of the pod as of one cache generation: {@code base} (no Service) and one per port
   * on which Services select it, found by a linear scan of {@code keys} (a pod has a few ports).
   */
  record Memo(long generation, Endpoint base, int[] keys, Endpoint[] byPort) {

    Endpoint forPort(int key) {
      int[] k = keys;
      for (int i = 0; i < k.length; i++) {
        if (k[i] == key) {
          return byPort[i];
        }
      }
      return base;
    }
  }

  private final PodRecord record;
  private volatile Memo memo;

  PodEntry(PodRecord record) {
    this.record = record;
  }

  PodRecord record() {
    return record;
  }

  Memo memo() {
    return memo;
  }

  void memo(Memo memo) {
    this.memo = memo;
  }
}
