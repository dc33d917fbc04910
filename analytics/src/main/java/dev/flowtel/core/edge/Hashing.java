package dev.flowtel.core.edge;

import java.nio.charset.StandardCharsets;

/** 64-bit hashing for ids that must be equal in every JVM (String.hashCode is only 32 bits). */
public final class Hashing {

  static final long SEED = 0x9E3779B97F4A7C15L;

  private Hashing() {}

  static long mix(long h, long value) {
    return (h ^ finish(value)) * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
  }

  /** SplitMix64's finaliser: every input bit affects every output bit. */
  static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static long ofString(String text) {
    long h = SEED;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    long word = 0;
    for (int i = 0; i < bytes.length; i++) {
      word = (word << 8) | (bytes[i] & 0xFF);
      if ((i & 7) == 7) {
        h = mix(h, word);
        word = 0;
      }
    }
    return finish(mix(h, word ^ ((long) bytes.length << 56)));
  }
}
