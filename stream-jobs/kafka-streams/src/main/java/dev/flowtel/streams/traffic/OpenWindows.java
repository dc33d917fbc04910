package dev.flowtel.streams.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.streams.store.TimeOrderedKeys;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The open windows of one size in one task, pre-combined on the heap between commits, as the Flink
 * job's {@code EdgePreCombiner} does before its shuffle: a flow is added to its window's accumulator
 * object, and only {@link #flush()} (before every commit, through
 * {@link dev.flowtel.streams.store.BeforeCommit}) serializes the windows changed since the last one
 * into the store, one put and one changelog record per window per commit instead of per flow. A window
 * on the heap is exactly its stored value plus the flows added since it was last written, so the store
 * and its changelog always hold, at each commit, every flow whose offset that commit includes.
 *
 * <p>Bounded: at most {@code capacity} windows are kept; the least recently used one goes, written
 * first when it has unwritten flows (into the open transaction, like any put), and is read back from
 * the store when a flow for it comes again. The store must not have the record cache: a put must
 * reach the changelog when it is made, whatever order the task flushes its stores' caches in.
 */
final class OpenWindows {

  /** What {@link #close} hands over, in the store's key order (window end, then edge). */
  interface Closed {
    void window(Bytes key, long maxTimestamp, TrafficAccumulator acc);
  }

  private record Key(long maxTimestamp, String edge) {
    Bytes bytes() {
      return TimeOrderedKeys.of(maxTimestamp, edge);
    }
  }

  private static final class Window {
    final TrafficAccumulator acc;
    boolean dirty;

    Window(TrafficAccumulator acc) {
      this.acc = acc;
    }
  }

  private final KeyValueStore<Bytes, byte[]> store;
  private final Map<Key, Window> windows;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  /** No window on the heap ends before this (a lower bound: evictions do not raise it). */
  private long earliest = Long.MAX_VALUE;

  OpenWindows(KeyValueStore<Bytes, byte[]> store, int capacity) {
    this.store = store;
    this.windows = new LinkedHashMap<>(Math.min(capacity, 1_024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Window> eldest) {
        if (size() <= capacity) {
          return false;
        }
        write(eldest.getKey(), eldest.getValue());
        return true;
      }
    };
  }

  /** Adds {@code flow} to its window ending at {@code maxTimestamp}, which the watermark has not reached. */
  void add(long maxTimestamp, ClassifiedFlow flow) {
    Key key = new Key(maxTimestamp, flow.edgeKey());
    Window window = windows.get(key);
    if (window == null) {
      byte[] stored = store.get(key.bytes());
      window = new Window(stored == null ? new TrafficAccumulator() : TrafficWindowState.read(stored, 0));
      windows.put(key, window);
      earliest = Math.min(earliest, maxTimestamp);
    }
    window.acc.add(flow);
    window.dirty = true;
  }

  /** Writes every window with flows not yet in the store. */
  void flush() {
    for (Map.Entry<Key, Window> e : windows.entrySet()) {
      write(e.getKey(), e.getValue());
    }
  }

  /**
   * Takes every window ending at or before {@code watermark}, from the heap or else the store, out
   * of both, and hands each to {@code closed} in key order, as a scan of the store would.
   */
  void close(long watermark, Closed closed) {
    TreeMap<Bytes, TrafficAccumulator> due = new TreeMap<>();
    if (earliest <= watermark) {
      long next = Long.MAX_VALUE;
      for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Key, Window> e = it.next();
        long maxTs = e.getKey().maxTimestamp();
        if (maxTs <= watermark) {
          due.put(e.getKey().bytes(), e.getValue().acc);
          it.remove();
        } else {
          next = Math.min(next, maxTs);
        }
      }
      earliest = next;
    }
    List<Bytes> stored = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(watermark))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        if (TimeOrderedKeys.time(e.key) > watermark) {
          break;
        }
        stored.add(e.key);
        // The heap's object, when there is one, holds the stored value and more.
        due.computeIfAbsent(e.key, k -> TrafficWindowState.read(e.value, 0));
      }
    }
    stored.forEach(store::delete);
    due.forEach((key, acc) -> closed.window(key, TimeOrderedKeys.time(key), acc));
  }

  private void write(Key key, Window window) {
    if (!window.dirty) {
      return;
    }
    buffer.reset();
    try {
      window.acc.writeTo(new DataOutputStream(buffer));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    store.put(key.bytes(), buffer.toByteArray());
    window.dirty = false;
  }
}
