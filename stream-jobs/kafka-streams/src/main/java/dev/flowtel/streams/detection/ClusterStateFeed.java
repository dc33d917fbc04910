package dev.flowtel.streams.detection;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the edge detectors of this instance that the cluster-state global store changed: the
 * global thread bumps the version after each stored record, and each task rebuilds its policy
 * timeline from the store when it sees a version it has not built from. One per instance.
 */
public final class ClusterStateFeed {

  private final AtomicLong version = new AtomicLong();

  void changed() {
    version.incrementAndGet();
  }

  long version() {
    return version.get();
  }
}
