package dev.flowtel.streams.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.streams.store.TimeOrderedKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The heap windows in front of a real (in-memory) key-value store: nothing reaches the store until a
 * flush or an eviction, a flush writes each changed window once, a window evicted and come back
 * again continues from what was written, and closing hands over heap and stored windows alike, in
 * the store's key order, and leaves neither behind.
 */
class OpenWindowsTest {

  private static final String A = "shop/Deployment/a>shop/Service/b:80/6";
  private static final String B = "shop/Deployment/c>shop/Service/b:80/6";
  private static final String C = "shop/Deployment/d>shop/Service/b:80/6";

  @Test
  void flowsStayOnTheHeapUntilFlushedAndEachChangedWindowIsWrittenOnce() {
    KeyValueStore<Bytes, byte[]> store = store();
    OpenWindows windows = new OpenWindows(store, 16);
    for (int i = 0; i < 10; i++) {
      windows.add(9_999, flow(A, i));
    }
    windows.add(19_999, flow(B, 100));
    assertThat(stored(store)).isEmpty();

    windows.flush();
    assertThat(stored(store)).containsExactly(Map.entry("9999 " + A, 10L), Map.entry("19999 " + B, 1L));

    windows.add(9_999, flow(A, 10));
    // Only the window changed since is written again (B's, taken away here, does not come back).
    store.delete(TimeOrderedKeys.of(19_999, B));
    windows.flush();
    assertThat(stored(store)).containsExactly(Map.entry("9999 " + A, 11L));
  }

  @Test
  void theLeastRecentlyUsedWindowIsWrittenWhenTheHeapIsFullAndReadBackWhenItsFlowsCome() {
    KeyValueStore<Bytes, byte[]> store = store();
    OpenWindows windows = new OpenWindows(store, 2);
    windows.add(9_999, flow(A, 1));
    windows.add(9_999, flow(B, 2));
    windows.add(9_999, flow(A, 3));
    windows.add(9_999, flow(C, 4)); // B is the least recently used
    assertThat(stored(store)).containsExactly(Map.entry("9999 " + B, 1L));

    windows.add(9_999, flow(B, 5)); // read back; A goes out now
    windows.flush();
    assertThat(stored(store)).containsExactly(Map.entry("9999 " + A, 2L), Map.entry("9999 " + B, 2L),
        Map.entry("9999 " + C, 1L));
  }

  @Test
  void closingHandsOverHeapAndStoredWindowsInKeyOrderAndForgetsThem() {
    KeyValueStore<Bytes, byte[]> store = store();
    OpenWindows windows = new OpenWindows(store, 2);
    windows.add(9_999, flow(C, 1));
    windows.add(9_999, flow(A, 2));
    windows.add(19_999, flow(A, 3)); // evicts C's window into the store
    windows.flush(); // A's first window is in the store too, and stays on the heap
    windows.add(9_999, flow(A, 4));
    windows.add(29_999, flow(B, 5)); // A's second window, now the least recently used, goes (unchanged since written)

    List<String> closed = new ArrayList<>();
    windows.close(19_999, (key, maxTs, acc) -> closed.add(maxTs + " " + TimeOrderedKeys.key(key) + " " + acc.flows()));

    assertThat(closed).containsExactly("9999 " + A + " 2", "9999 " + C + " 1", "19999 " + A + " 1");
    assertThat(stored(store)).isEmpty();
    windows.close(19_999, (key, maxTs, acc) -> closed.add("again " + maxTs));
    assertThat(closed).hasSize(3);
    windows.flush();
    assertThat(stored(store)).containsExactly(Map.entry("29999 " + B, 1L));
  }

  private static ClassifiedFlow flow(String edge, long connection) {
    return new ClassifiedFlow(edge, 6, 1_000, false, connection, 7, 100, 1, 0, 0, -1, 80, 9);
  }

  private static KeyValueStore<Bytes, byte[]> store() {
    KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("open"), Serdes.Bytes(),
        Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  /** "maxTs edge" to the flows of each stored window, in key order. */
  private static Map<String, Long> stored(KeyValueStore<Bytes, byte[]> store) {
    Map<String, Long> windows = new LinkedHashMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        var e = it.next();
        TrafficAccumulator acc = TrafficWindowState.read(e.value, 0);
        windows.put(TimeOrderedKeys.time(e.key) + " " + TimeOrderedKeys.key(e.key), acc.flows());
      }
    }
    return windows;
  }
}
