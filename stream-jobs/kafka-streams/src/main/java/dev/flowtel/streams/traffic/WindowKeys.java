package dev.flowtel.streams.traffic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store keys {@code <time><edge key>}: an 8-byte big-endian time with the sign bit flipped, so
 * RocksDB's byte order is time order and a scan from the start meets the due windows first.
 */
final class WindowKeys {

  private WindowKeys() {}

  static Bytes of(long time, String edgeKey) {
    byte[] edge = edgeKey.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(8 + edge.length).putLong(time ^ Long.MIN_VALUE).put(edge).array());
  }

  static long time(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  static String edgeKey(Bytes key) {
    byte[] k = key.get();
    return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
  }

  /** The first key after every key of {@code time}. */
  static Bytes after(long time) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong((time + 1) ^ Long.MIN_VALUE).array());
  }

  static Bytes first() {
    return Bytes.wrap(new byte[8]);
  }
}
