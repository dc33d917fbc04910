package dev.flowtel.streams.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The objects a processor last serialized into a store, each beside the very array it handed to
 * the store, so the next read of that key can skip decoding. While the store still returns that
 * array (the record cache and the in-memory store hand back what was put; RocksDB reads do not),
 * the object is exactly what the bytes say and is used as it is; any other array (a restore from
 * the changelog, an evicted cache entry, a revived task) is decoded as before. A taken entry
 * leaves the map until it is written again, so an exception while the caller changes the object
 * leaves nothing behind that the store does not hold. Not thread-safe: one per processor, as the
 * stores are.
 */
public final class LiveStates<K, V> {

  private record Written<V>(byte[] bytes, V value) {}

  private final Map<K, Written<V>> written;

  /** @param capacity the most recently written keys kept; older ones are decoded again when read */
  public LiveStates(int capacity) {
    this.written = new LinkedHashMap<>(Math.min(capacity, 1_024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Written<V>> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The object {@code stored} was written from, taken out; null when the store holds other bytes (or none). */
  public V take(K key, byte[] stored) {
    Written<V> last = written.remove(key);
    return last != null && last.bytes() == stored ? last.value() : null;
  }

  /** {@code bytes}, just put into the store under {@code key}, were written from {@code value}. */
  public void written(K key, byte[] bytes, V value) {
    written.put(key, new Written<>(bytes, value));
  }

  public void forget(K key) {
    written.remove(key);
  }
}
