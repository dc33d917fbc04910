package dev.flowtel.collector.capture;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import dev.flowtel.schema.CommunityId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Turns a kernel flow into a {@link FlowEvent}.
 *
 * <ul>
 *   <li>bytes: L3, as the schema says: the IP header and everything after it, no Ethernet or VLAN
 *       header (the kernel counts the IP length, not skb->len, which at TC holds the Ethernet
 *       header too). A GSO/GRO super-packet counts as its segments, each with its own IP and L4
 *       headers, i.e. the bytes the packets would take on a wire.</li>
 *   <li>direction: relative to the interface: INGRESS = the TC ingress hook (on a pod veth's host
 *       side: the pod sent it), EGRESS = the egress hook (the pod receives it); drops: UNKNOWN.</li>
 *   <li>ports: ICMP and ICMPv6 carry type and code in icmpType/icmpCode and 0 as ports.</li>
 *   <li>verdict: FORWARDED for counted packets, DROPPED for drop records (no packets, drops > 0).</li>
 *   <li>communityId: Community ID v1, seed 0, of the 5-tuple (ICMP: type and code).</li>
 * </ul>
 * Kernel times are CLOCK_MONOTONIC; {@code monotonicToEpochNanos} is added to make them wall time.
 * Not thread-safe (the Community ID digest is reused).
 */
public final class FlowEventMapper {

  private final String node;
  private final IntFunction<String> interfaceNames;
  private final CommunityId communityId = new CommunityId();
  private final IntFunction<String> dropReasons;

  /**
   * @param interfaceNames ifindex to name, null when unknown
   * @param dropReasons    kernel drop reason number to its name (e.g. NETFILTER_DROP)
   */
  public FlowEventMapper(String node, IntFunction<String> interfaceNames, IntFunction<String> dropReasons) {
    this.node = node;
    this.interfaceNames = interfaceNames;
    this.dropReasons = dropReasons;
  }

  /** @param rttMicros smoothed RTT of the flow's TCP connection, or a negative value when unknown */
  public FlowEvent toEvent(KernelFlow flow, long monotonicToEpochNanos, ToLongFunction<KernelFlow> rttMicros) {
    boolean icmp = flow.isIcmp();
    FlowEvent.Builder event = FlowEvent.newBuilder()
        .setFlowStart(instant(flow.firstSeenNanos() + monotonicToEpochNanos))
        .setFlowEnd(instant(flow.lastSeenNanos() + monotonicToEpochNanos))
        .setNode(node)
        .setInterfaceIndex(flow.ifindex() == 0 ? null : flow.ifindex())
        .setInterfaceName(flow.ifindex() == 0 ? null : interfaceNames.apply(flow.ifindex()))
        .setDirection(switch (flow.direction()) {
          case KernelFlow.DIRECTION_INGRESS -> Direction.INGRESS;
          case KernelFlow.DIRECTION_EGRESS -> Direction.EGRESS;
          default -> Direction.UNKNOWN;
        })
        .setIpVersion(flow.ipVersion())
        .setSrcAddr(ByteBuffer.wrap(flow.srcAddr()))
        .setDstAddr(ByteBuffer.wrap(flow.dstAddr()))
        .setSrcPort(icmp ? 0 : flow.srcPort())
        .setDstPort(icmp ? 0 : flow.dstPort())
        .setProtocol(flow.protocol())
        .setBytes(flow.bytes())
        .setPackets(flow.packets())
        .setGsoSegments(flow.gsoSegments())
        .setTcpFlags(flow.tcpFlags())
        .setIcmpType(icmp ? flow.srcPort() : null)
        .setIcmpCode(icmp ? flow.dstPort() : null)
        .setDrops(flow.drops())
        .setDropBytes(flow.dropBytes())
        .setDropReason(flow.drops() > 0 ? dropReasons.apply(flow.dropReason()) : null)
        .setVerdict(flow.packets() == 0 && flow.drops() > 0 ? Verdict.DROPPED : Verdict.FORWARDED)
        .setSamplingRate(1)
        .setCommunityId(communityId(flow));
    long rtt = flow.protocol() == 6 ? rttMicros.applyAsLong(flow) : -1;
    if (rtt >= 0) {
      event.setTcpRttMicros(rtt);
    }
    return event.build();
  }

  /** Community ID v1 of the flow's 5-tuple; null for protocols it does not define ports for but has no 5-tuple (never). */
  public String communityId(KernelFlow flow) {
    return communityId.of(flow.srcAddr(), flow.dstAddr(), flow.protocol(), flow.srcPort(), flow.dstPort());
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }
}
