package dev.flowtel.core.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * An IPv4 or IPv6 address as two 64-bit halves, so that CIDR containment is a few long
 * comparisons. IPv4 lives in the low 32 bits of {@code low}; {@code high} is then 0.
 */
public record IpAddress(int version, long high, long low) implements java.io.Serializable {

  public IpAddress {
    if (version != 4 && version != 6) {
      throw new IllegalArgumentException("IP version must be 4 or 6, not " + version);
    }
    if (version == 4 && (high != 0 || (low >>> 32) != 0)) {
      throw new IllegalArgumentException("an IPv4 address has 32 bits");
    }
  }

  /** Bits in an address of this version: 32 or 128. */
  public int bits() {
    return version == 4 ? 32 : 128;
  }

  /**
   * Parses a literal address, never a host name (no DNS lookup happens).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static IpAddress parse(String text) {
    String s = text.trim();
    if (s.indexOf(':') >= 0) {
      return parseV6(s, text);
    }
    return parseV4(s, text);
  }

  /** The address of network-byte-order bytes: 4 for IPv4, 16 for IPv6 (as FlowEvent carries them). */
  public static IpAddress ofBytes(byte[] bytes) {
    if (bytes.length == 4) {
      long v = 0;
      for (byte b : bytes) {
        v = (v << 8) | (b & 0xFF);
      }
      return new IpAddress(4, 0, v);
    }
    if (bytes.length == 16) {
      long hi = 0;
      long lo = 0;
      for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | (bytes[i] & 0xFF);
        lo = (lo << 8) | (bytes[i + 8] & 0xFF);
      }
      return new IpAddress(6, hi, lo);
    }
    throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
  }

  /** The IPv4 address of 32 bits in network order, e.g. {@code 0x0A000001} for 10.0.0.1. */
  public static IpAddress ofIpv4(int ipv4) {
    return new IpAddress(4, 0, ipv4 & 0xFFFF_FFFFL);
  }

  /**
   * The address of the remaining 4 (IPv4) or 16 (IPv6) bytes of {@code buffer}, read without
   * moving its position or copying it (a flow's address on the collector's hot path).
   */
  public static IpAddress ofBytes(ByteBuffer buffer) {
    int p = buffer.position();
    return switch (buffer.remaining()) {
      case 4 -> ofIpv4(buffer.getInt(p));
      case 16 -> new IpAddress(6, buffer.getLong(p), buffer.getLong(p + 8));
      default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + buffer.remaining());
    };
  }

  /**
   * The IPv4 address an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) carries, else this
   * address: so that one host is one key whichever way it was written.
   */
  public IpAddress unmapped() {
    if (version == 6 && high == 0 && (low >>> 32) == 0xFFFFL) {
      return new IpAddress(4, 0, low & 0xFFFF_FFFFL);
    }
    return this;
  }

  /** Whether the first {@code prefixLength} bits of this address and {@code other} are equal. */
  public boolean samePrefix(IpAddress other, int prefixLength) {
    if (version != other.version) {
      return false;
    }
    if (version == 4) {
      return prefixLength == 0 || ((low ^ other.low) >>> (32 - prefixLength)) == 0;
    }
    if (prefixLength == 0) {
      return true;
    }
    if (prefixLength <= 64) {
      return ((high ^ other.high) >>> (64 - prefixLength)) == 0;
    }
    return high == other.high && (prefixLength == 128 || ((low ^ other.low) >>> (128 - prefixLength)) == 0);
  }

  /** This address with every bit after the first {@code prefixLength} cleared. */
  public IpAddress network(int prefixLength) {
    if (version == 4) {
      long mask = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
      return new IpAddress(4, 0, low & mask);
    }
    long hiMask = prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
    long loMask = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    return new IpAddress(6, high & hiMask, low & loMask);
  }

  /** Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run as ::) for IPv6. */
  @Override
  public String toString() {
    if (version == 4) {
      return (low >>> 24) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." + (low & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) ((high >>> (48 - 16 * i)) & 0xFFFF);
      groups[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xFFFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
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

  private static IpAddress parseV4(String s, String original) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw notAnAddress(original);
    }
    long value = 0;
    for (String part : parts) {
      // Leading zeros are refused, as Go's net.ParseIP (and so Kubernetes) refuses them.
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw notAnAddress(original);
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw notAnAddress(original);
      }
      value = (value << 8) | octet;
    }
    return new IpAddress(4, 0, value);
  }

  private static IpAddress parseV6(String s, String original) {
    if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      throw notAnAddress(original);
    }
    InetAddress address;
    try {
      // Text with a colon is parsed as an IPv6 literal by InetAddress, never looked up in DNS.
      address = InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw notAnAddress(original);
    }
    if (address instanceof Inet6Address) {
      return ofBytes(address.getAddress());
    }
    if (address instanceof Inet4Address) {
      // ::ffff:a.b.c.d comes back as IPv4 from InetAddress; keep it IPv6 as it was written.
      byte[] v4 = address.getAddress();
      byte[] v6 = new byte[16];
      v6[10] = (byte) 0xFF;
      v6[11] = (byte) 0xFF;
      System.arraycopy(v4, 0, v6, 12, 4);
      return ofBytes(v6);
    }
    throw notAnAddress(original);
  }

  private static IllegalArgumentException notAnAddress(String text) {
    return new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
  }
}
