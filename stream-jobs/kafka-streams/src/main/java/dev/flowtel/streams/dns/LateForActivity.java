package dev.flowtel.streams.dns;

import java.util.Arrays;

/**
 * A DNS transaction in the repartition by client that DnsActivity must skip (too late for its window,
 * dead-lettered already) but the detectors still take: its bytes behind one byte {@code 0x01}. Other
 * values start with the single-object marker {@code 0xC3}, watermark markers with {@code 0x00}.
 */
public final class LateForActivity {

  private static final byte MARK = 0x01;

  private LateForActivity() {}

  static byte[] wrap(byte[] transaction) {
    byte[] out = new byte[transaction.length + 1];
    out[0] = MARK;
    System.arraycopy(transaction, 0, out, 1, transaction.length);
    return out;
  }

  public static boolean is(byte[] value) {
    return value != null && value.length > 0 && value[0] == MARK;
  }

  /** The transaction's own bytes. */
  public static byte[] unwrap(byte[] value) {
    return Arrays.copyOfRange(value, 1, value.length);
  }
}
