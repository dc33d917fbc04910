package dev.flowtel.schema;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Community ID v1 (corelight/community-id-spec): "1:" + base64(SHA-1(seed, lower address, higher
 * address, protocol, 0, their ports)). Both directions of a connection get the same id because
 * the endpoints are put in order first (address, then port). For ICMP the ports are the type and
 * the type of its reply (or the code, for types without a reply, which are then never reordered).
 * One instance reuses its digest and buffer, so it is not thread-safe.
 */
public final class CommunityId {

  public static final int ICMP = 1;
  public static final int ICMPV6 = 58;

  private final MessageDigest sha1;
  private final byte[] buffer = new byte[2 + 16 + 16 + 1 + 1 + 2 + 2];
  private final int seed;

  public CommunityId() {
    this(0);
  }

  public CommunityId(int seed) {
    this.seed = seed;
    try {
      this.sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1, which every Java platform must provide", e);
    }
  }

  /** For ICMP and ICMPv6 pass the type as {@code srcPort} and the code as {@code dstPort}. */
  public String of(byte[] srcAddr, byte[] dstAddr, int protocol, int srcPort, int dstPort) {
    if (srcAddr.length != dstAddr.length) {
      throw new IllegalArgumentException("source and destination address differ in length: " + srcAddr.length + " and " + dstAddr.length);
    }
    boolean oneWay = false;
    if (protocol == ICMP || protocol == ICMPV6) {
      int counterpart = protocol == ICMP ? icmpCounterpart(srcPort) : icmpv6Counterpart(srcPort);
      if (counterpart < 0) {
        oneWay = true;
      } else {
        dstPort = counterpart;
      }
    }
    int order = compare(srcAddr, dstAddr);
    boolean keep = oneWay || order < 0 || (order == 0 && srcPort < dstPort);
    byte[] lowAddr = keep ? srcAddr : dstAddr;
    byte[] highAddr = keep ? dstAddr : srcAddr;
    int lowPort = keep ? srcPort : dstPort;
    int highPort = keep ? dstPort : srcPort;

    int n = 0;
    buffer[n++] = (byte) (seed >>> 8);
    buffer[n++] = (byte) seed;
    System.arraycopy(lowAddr, 0, buffer, n, lowAddr.length);
    n += lowAddr.length;
    System.arraycopy(highAddr, 0, buffer, n, highAddr.length);
    n += highAddr.length;
    buffer[n++] = (byte) protocol;
    buffer[n++] = 0;
    if (hasPorts(protocol)) {
      buffer[n++] = (byte) (lowPort >>> 8);
      buffer[n++] = (byte) lowPort;
      buffer[n++] = (byte) (highPort >>> 8);
      buffer[n++] = (byte) highPort;
    }
    sha1.update(buffer, 0, n);
    return "1:" + Base64.getEncoder().encodeToString(sha1.digest());
  }

  private static boolean hasPorts(int protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132 || protocol == ICMP || protocol == ICMPV6;
  }

  private static int compare(byte[] a, byte[] b) {
    for (int i = 0; i < a.length; i++) {
      int d = (a[i] & 0xFF) - (b[i] & 0xFF);
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  /** The message type answering {@code type}, or -1 when ICMP has no reply for it. */
  private static int icmpCounterpart(int type) {
    return switch (type) {
      case 8 -> 0;      // echo request / reply
      case 0 -> 8;
      case 13 -> 14;    // timestamp
      case 14 -> 13;
      case 15 -> 16;    // information
      case 16 -> 15;
      case 10 -> 9;     // router solicitation / advertisement
      case 9 -> 10;
      case 17 -> 18;    // address mask
      case 18 -> 17;
      default -> -1;
    };
  }

  private static int icmpv6Counterpart(int type) {
    return switch (type) {
      case 128 -> 129;  // echo request / reply
      case 129 -> 128;
      case 133 -> 134;  // router solicitation / advertisement
      case 134 -> 133;
      case 135 -> 136;  // neighbor solicitation / advertisement
      case 136 -> 135;
      case 130 -> 131;  // multicast listener query / report
      case 131 -> 130;
      case 139 -> 140;  // node information query / response
      case 140 -> 139;
      case 144 -> 145;  // home agent address discovery
      case 145 -> 144;
      default -> -1;
    };
  }
}
