package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.edge.EdgeEnd;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One client's tumbling event-time windows of what a DNS detector counts ({@code W}), and its open anomalies:
 * a window takes queries until the watermark reaches its last millisecond, is then judged once, and a query
 * for a window already judged is too late to change the verdict.
 */
final class ClientWindows<W extends Serializable> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final TreeMap<Long, W> open = new TreeMap<>();
  private long lastClosedStart = Long.MIN_VALUE;
  EdgeEnd client;
  String clientKey;
  final AnomalyTracker tracker = new AnomalyTracker();

  /** The window {@code query} falls in (opened with {@code empty} if new), or null when it was judged already. */
  W windowOf(DnsQuery query, long size, Supplier<W> empty) {
    long start = Math.floorDiv(query.timeMillis(), size) * size;
    if (start <= lastClosedStart) {
      return null;
    }
    client = query.client();
    clientKey = query.clientKey();
    return open.computeIfAbsent(start, s -> empty.get());
  }

  /** Hands every window whose last millisecond {@code watermark} reached to {@code judge}, oldest first, with its start. */
  void closeUpTo(long watermark, long size, BiConsumer<Long, W> judge) {
    while (!open.isEmpty() && open.firstKey() + size - 1 <= watermark) {
      Map.Entry<Long, W> e = open.pollFirstEntry();
      judge.accept(e.getKey(), e.getValue());
      lastClosedStart = e.getKey();
    }
  }

  /** Start of the last window judged, or Long.MIN_VALUE. */
  long lastClosedStart() {
    return lastClosedStart;
  }

  long nextDeadline(long size, AnomalyPacing pacing) {
    long next = tracker.nextExpiry(pacing);
    return open.isEmpty() ? next : Math.min(next, open.firstKey() + size - 1);
  }

  boolean isEmpty() {
    return open.isEmpty() && tracker.isEmpty();
  }
}
