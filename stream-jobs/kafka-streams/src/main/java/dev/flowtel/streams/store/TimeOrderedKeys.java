package dev.flowtel.streams.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store keys {@code <time><key>}: an 8-byte big-endian time with the sign bit flipped, so RocksDB's
 * byte order is time order and a scan from the start meets what is due first. The traffic windows'
 * store and the detectors' timers use this layout; it is in their changelogs, so it never changes.
 */
public final class TimeOrderedKeys {

  private TimeOrderedKeys() {}

  public static Bytes of(long time, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(8 + k.length).putLong(time ^ Long.MIN_VALUE).put(k).array());
  }

  public static long time(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  public static String key(Bytes key) {
    byte[] k = key.get();
    return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
  }

  /** The first key after every key of {@code time}. */
  public static Bytes after(long time) {
    if (time == Long.MAX_VALUE) {
      return Bytes.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1});
    }
    return Bytes.wrap(ByteBuffer.allocate(8).putLong((time + 1) ^ Long.MIN_VALUE).array());
  }

  /** The lowest key of all. */
  public static Bytes first() {
    return Bytes.wrap(new byte[8]);
  }
}
