package dev.flowtel.collector.enrich;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * An IPv4 or IPv6 address as two longs, the key of every enrichment map. IPv4 is held in its
 * IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}), so one map serves both families and a lookup
 * allocates nothing but this record.
 */
public record Address(long high, long low) {

  private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

  public static Address ofIpv4(int ipv4) {
    return new Address(0, V4_MAPPED | (ipv4 & 0xFFFF_FFFFL));
  }

  /** From 4 (IPv4) or 16 (IPv6) bytes in network order. */
  public static Address of(byte[] bytes) {
    return of(ByteBuffer.wrap(bytes));
  }

  /** From the remaining 4 or 16 bytes of {@code buffer}, read without moving its position. */
  public static Address of(ByteBuffer buffer) {
    int p = buffer.position();
    return switch (buffer.remaining()) {
      case 4 -> ofIpv4(buffer.getInt(p));
      case 16 -> new Address(buffer.getLong(p), buffer.getLong(p + 8));
      default -> throw new IllegalArgumentException(
          "an address has 4 (IPv4) or 16 (IPv6) bytes, not " + buffer.remaining());
    };
  }

  /**
   * A literal such as {@code 10.244.1.7} or {@code fd00::1}; never a host name (no DNS lookup).
   *
   * @throws IllegalArgumentException naming the text when it is no IP literal
   */
  public static Address parse(String literal) {
    try {
      return of(InetAddress.ofLiteral(literal.trim()).getAddress());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + literal + "\" is not an IPv4 or IPv6 address", e);
    }
  }

  public boolean isIpv4() {
    return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED;
  }

  /** {@code 10.244.1.7}, or IPv6 in its RFC 5952 form ({@code fd42::1}). */
  @Override
  public String toString() {
    if (isIpv4()) {
      int v = (int) low;
      return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
      groups[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
