package dev.flowtel.sink.elasticsearch.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic document ids: the same key always yields the same {@code _id}, so a replayed or
 * revised record overwrites its document instead of adding a second one. An id is the first 128
 * bits of SHA-256 over the key's parts, each part length-prefixed so that no two different keys
 * share an encoding.
 */
public final class DocumentIds {

  private DocumentIds() {}

  /** 32 lower-case hex characters identifying {@code parts}; a null part differs from an empty one. */
  public static String of(Object... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    for (Object part : parts) {
      if (part == null) {
        sha.update((byte) 0);
        continue;
      }
      byte[] bytes = part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8);
      sha.update((byte) 1);
      sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
      sha.update(bytes);
    }
    byte[] digest = sha.digest();
    return HexFormat.of().formatHex(digest, 0, 16);
  }
}
