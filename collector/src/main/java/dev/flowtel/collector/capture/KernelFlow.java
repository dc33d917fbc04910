package dev.flowtel.collector.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One flow entry as the kernel counted it (struct flow_key + struct flow_stats of flowtel.h),
 * decoded. Times are CLOCK_MONOTONIC nanoseconds; bytes are L3 (see collector/README.md).
 *
 * @param srcAddr  4 bytes for IPv4, 16 for IPv6, network order
 * @param srcPort  for ICMP/ICMPv6 the type
 * @param dstPort  for ICMP/ICMPv6 the code
 * @param direction 0 ingress, 1 egress, 2 unknown (drops)
 */
public record KernelFlow(
    byte[] srcAddr,
    byte[] dstAddr,
    int srcPort,
    int dstPort,
    int ifindex,
    int protocol,
    int ipVersion,
    int direction,
    long firstSeenNanos,
    long lastSeenNanos,
    long bytes,
    long packets,
    long gsoSegments,
    int tcpFlags,
    int dropReason,
    long drops,
    long dropBytes) {

  public static final int KEY_SIZE = 44;
  /** struct flow_stats: 64 bytes decoded here, then the program's own first_seen_jiffies. */
  public static final int VALUE_SIZE = 72;
  /** struct flow_cache_slot: state, key hash and packets first, then the key, its own first/last seen and counters. */
  public static final int CACHE_SLOT_SIZE = 104;
  private static final int CACHE_COUNTING = 1;
  public static final int DIRECTION_INGRESS = 0;
  public static final int DIRECTION_EGRESS = 1;
  public static final int DIRECTION_UNKNOWN = 2;

  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

  /** Decodes a 44-byte key and a flow_stats value. */
  public static KernelFlow decode(MemorySegment key, MemorySegment value) {
    return withKey(key, value.get(U64, 0), value.get(U64, 8), value.get(U64, 16), value.get(U64, 24), value.get(U64, 32),
        value.get(U32, 40), value.get(U32, 44), value.get(U64, 48), value.get(U64, 56));
  }

  /** A flow of a 44-byte struct flow_key with the given times and counters. */
  private static KernelFlow withKey(MemorySegment key, long firstSeenNanos, long lastSeenNanos, long bytes, long packets,
      long gsoSegments, int tcpFlags, int dropReason, long drops, long dropBytes) {
    int version = key.get(ValueLayout.JAVA_BYTE, 41) & 0xFF;
    int addrLength = version == 4 ? 4 : 16;
    return new KernelFlow(
        key.asSlice(0, addrLength).toArray(ValueLayout.JAVA_BYTE),
        key.asSlice(16, addrLength).toArray(ValueLayout.JAVA_BYTE),
        key.get(U16, 32) & 0xFFFF,
        key.get(U16, 34) & 0xFFFF,
        key.get(U32, 36),
        key.get(ValueLayout.JAVA_BYTE, 40) & 0xFF,
        version,
        key.get(ValueLayout.JAVA_BYTE, 42) & 0xFF,
        firstSeenNanos, lastSeenNanos, bytes, packets, gsoSegments, tcpFlags, dropReason, drops, dropBytes);
  }

  /** Whether a flow_stats value has neither packets nor drops: the kernel's mark of a flow another hook counts. */
  public static boolean marksFlowCountedElsewhere(MemorySegment value) {
    return value.get(U64, 24) == 0 && value.get(U64, 48) == 0;
  }

  /** Whether a flow_cache_slot holds a flow (counted or skipped), so it must be cleared. */
  static boolean cacheSlotInUse(MemorySegment slot) {
    return slot.get(U32, 0) != 0;
  }

  /**
   * The flow a flow_cache_slot counted, null when it counted no packet. Its first seen is the
   * first packet counted in the slot, not the flow's start: merged with the table's entry (or a
   * previous period's) it is the earlier one that stays.
   */
  static KernelFlow fromCacheSlot(MemorySegment slot) {
    // struct flow_cache_slot: state 0, hash 4, packets 8, key 16, tcp_flags 60, first_seen_ns 64,
    // first_seen_jiffies 72, last_seen_ns 80, bytes 88, gso_segments 96
    if (slot.get(U32, 0) != CACHE_COUNTING || slot.get(U64, 8) == 0) {
      return null;
    }
    return withKey(slot.asSlice(16, KEY_SIZE), slot.get(U64, 64), slot.get(U64, 80), slot.get(U64, 88), slot.get(U64, 8),
        slot.get(U64, 96), slot.get(U32, 60), 0, 0, 0);
  }

  /** Decodes only the key (a new-flow announcement), with zero counters. */
  public static KernelFlow decodeKey(MemorySegment key, long firstSeenNanos) {
    return withKey(key, firstSeenNanos, firstSeenNanos, 0, 0, 0, 0, 0, 0, 0);
  }

  /** The identity of the flow: everything in the kernel key. */
  public Key key() {
    return new Key(srcAddr, dstAddr, srcPort, dstPort, ifindex, protocol, direction);
  }

  /** This flow's counters added to {@code other}'s (same key): the union of two drains. */
  public KernelFlow plus(KernelFlow other) {
    return new KernelFlow(srcAddr, dstAddr, srcPort, dstPort, ifindex, protocol, ipVersion, direction,
        Math.min(firstSeenNanos, other.firstSeenNanos), Math.max(lastSeenNanos, other.lastSeenNanos), bytes + other.bytes,
        packets + other.packets, gsoSegments + other.gsoSegments, tcpFlags | other.tcpFlags,
        other.drops > 0 ? other.dropReason : dropReason, drops + other.drops, dropBytes + other.dropBytes);
  }

  public boolean isIcmp() {
    return protocol == 1 || protocol == 58;
  }

  /** Value-equal flow key (arrays compared by content). */
  public record Key(byte[] srcAddr, byte[] dstAddr, int srcPort, int dstPort, int ifindex, int protocol, int direction) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && srcPort == k.srcPort && dstPort == k.dstPort && ifindex == k.ifindex && protocol == k.protocol
          && direction == k.direction && Arrays.equals(srcAddr, k.srcAddr) && Arrays.equals(dstAddr, k.dstAddr);
    }

    @Override
    public int hashCode() {
      int h = Arrays.hashCode(srcAddr) * 31 + Arrays.hashCode(dstAddr);
      return ((h * 31 + srcPort) * 31 + dstPort) * 31 + ifindex * 7 + protocol * 3 + direction;
    }

    @Override
    public String toString() {
      return KernelFlow.addressText(srcAddr) + ":" + srcPort + " > " + KernelFlow.addressText(dstAddr) + ":" + dstPort + " proto " + protocol
          + " if " + ifindex + " dir " + direction;
    }
  }

  public static String addressText(byte[] address) {
    try {
      return java.net.InetAddress.getByAddress(address).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return Arrays.toString(address);
    }
  }

  @Override
  public String toString() {
    return key() + " bytes " + bytes + " packets " + packets + " gso " + gsoSegments + " flags " + tcpFlags + " drops " + drops;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelFlow f && key().equals(f.key()) && ipVersion == f.ipVersion && firstSeenNanos == f.firstSeenNanos
        && lastSeenNanos == f.lastSeenNanos && bytes == f.bytes && packets == f.packets && gsoSegments == f.gsoSegments
        && tcpFlags == f.tcpFlags && dropReason == f.dropReason && drops == f.drops && dropBytes == f.dropBytes;
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }
}
