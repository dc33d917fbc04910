package dev.flowtel.simulator.flow;

import dev.flowtel.schema.CommunityId;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.cluster.Node;
import dev.flowtel.simulator.cluster.Pod;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.random.SplitMix64;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns connections, scan probes and dropped attempts into FlowEvents the way a TC eBPF
 * collector exports them: one per direction, per observation point, per export interval. A
 * packet from a pod is observed entering the host at the pod's veth (INGRESS on the pod's node);
 * a packet to a pod leaving the host into the pod's veth (EGRESS on that pod's node); packets to
 * or from outside the cluster at the node's uplink instead. Both points see the same packets, so
 * they report the same bytes; the second one a one-way delay later when the nodes differ.
 * Policy drops are observed once, at the sender's veth, with verdict DROPPED.
 */
public final class FlowWriter {

  static final long MSS = 1448;
  /** IPv4 (20) plus TCP with timestamps (32). */
  static final long TCP_HEADER = 52;
  static final long SYN_PACKET = 60;
  static final long UDP_HEADER = 28;
  public static final String DROP_REASON = "NETFILTER_DROP";
  private static final List<String> NO_POLICIES = List.of();
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final DeliveryQueue queue;
  private final SplitMix64 jitter;
  private final CommunityId communityId = new CommunityId();
  private final List<Connection> active = new ArrayList<>();
  private final PortAllocator ports;
  private long written;

  FlowWriter(DeliveryQueue queue, SplitMix64 jitter, SplitMix64 portRandom) {
    this.queue = queue;
    this.jitter = jitter;
    this.ports = new PortAllocator(portRandom);
  }

  /** The next ephemeral port of {@code client}; never one of its connections still in the same interval. */
  public int clientPort(NetworkPeer client) {
    return ports.next(client);
  }

  /** FlowEvents produced so far. */
  public long written() {
    return written;
  }

  public String communityId(NetworkPeer src, NetworkPeer dst, int protocol, int srcPort, int dstPort) {
    return communityId.of(src.addressBytes(), dst.addressBytes(), protocol, srcPort, dstPort);
  }

  /** Opens a connection; it yields flows in every interval it overlaps, this one included. */
  public void open(Connection connection) {
    active.add(connection);
  }

  /** Emits this interval's flows of every open connection and forgets those that ended. */
  void emitOpenConnections(long from, long to) {
    int i = 0;
    while (i < active.size()) {
      Connection c = active.get(i);
      if (c.startNanos() >= to) {
        i++;
        continue;
      }
      emitInterval(c, from, to);
      if (c.endNanos() < to) {
        int lastIndex = active.size() - 1;
        active.set(i, active.get(lastIndex));
        active.remove(lastIndex);
      } else {
        i++;
      }
    }
  }

  int openConnections() {
    return active.size();
  }

  private void emitInterval(Connection c, long from, long to) {
    long start = Math.max(c.startNanos(), from);
    long end = Math.min(c.endNanos(), to - 1);
    boolean first = c.startNanos() >= from;
    boolean last = c.endNanos() < to;
    double share = first && last ? 1.0 : (double) (end - start + 1) / (c.endNanos() - c.startNanos() + 1);
    long requestPayload = Math.round(c.requestBytes() * share);
    long responsePayload = Math.round(c.responseBytes() * share);
    long oneWay = c.rttMicros() * 500;
    long requestEnd = last ? end : end - jitter.nextLong(Math.min(end - start + 1, 20_000_000L));
    long responseStart = Math.min(start + oneWay, to - 1);
    long responseEnd = Math.min(Math.max(requestEnd + oneWay, responseStart), to - 1);

    long requestPackets;
    long responsePackets;
    long requestBytes;
    long responseBytes;
    int requestFlags = 0;
    int responseFlags = 0;
    Long rtt = null;
    if (c.protocol() == 6) {
      long requestData = (requestPayload + MSS - 1) / MSS;
      long responseData = (responsePayload + MSS - 1) / MSS;
      int control = (first ? 1 : 0) + (last ? 1 : 0);
      requestPackets = Math.max(1, requestData + (responseData + 1) / 2 + control);
      responsePackets = Math.max(1, responseData + (requestData + 1) / 2 + control);
      requestBytes = requestPayload + TCP_HEADER * requestPackets + (first ? SYN_PACKET - TCP_HEADER : 0);
      responseBytes = responsePayload + TCP_HEADER * responsePackets + (first ? SYN_PACKET - TCP_HEADER : 0);
      requestFlags = TcpFlags.ACK | (first ? TcpFlags.SYN : 0) | (requestPayload > 0 ? TcpFlags.PSH : 0)
          | (last && !c.reset() ? TcpFlags.FIN : 0);
      responseFlags = TcpFlags.ACK | (first ? TcpFlags.SYN : 0) | (responsePayload > 0 ? TcpFlags.PSH : 0)
          | (last ? (c.reset() ? TcpFlags.RST : TcpFlags.FIN) : 0);
      rtt = c.rttMicros();
    } else {
      requestPackets = Math.max(1, (requestPayload + 1471) / 1472);
      responsePackets = Math.max(1, (responsePayload + 1471) / 1472);
      requestBytes = requestPayload + UDP_HEADER * requestPackets;
      responseBytes = responsePayload + UDP_HEADER * responsePackets;
    }
    long requestGso = gso(requestPackets);
    long responseGso = gso(responsePackets);
    observeBoth(start, requestEnd, c.client(), c.clientEndpoint(), c.server(), c.serverEndpoint(), c.clientPort(),
        c.serverPort(), c.protocol(), requestBytes, requestPackets, requestGso, requestFlags, rtt, oneWay, to,
        c.communityId(), c.edgeKey(), c.label());
    observeBoth(responseStart, responseEnd, c.server(), c.serverEndpoint(), c.client(), c.clientEndpoint(), c.serverPort(),
        c.clientPort(), c.protocol(), responseBytes, responsePackets, responseGso, responseFlags, rtt, oneWay, to,
        c.communityId(), c.edgeKey(), c.label());
  }

  /** Bulk transfers leave the pod as GSO super-packets; count their segments as the collector would. */
  private static long gso(long packets) {
    return packets >= 8 ? packets & ~3L : 0;
  }

  /** How a scan probe was answered. */
  public enum ProbeAnswer {
    /** SYN-ACK, then the scanner's RST. */
    OPEN,
    /** RST-ACK. */
    CLOSED,
    /** Nothing: no host at the address. */
    SILENT
  }

  /** One SYN probe of a scan or sweep at {@code at}, within the interval ending at {@code to}. */
  public void probe(NetworkPeer scanner, NetworkPeer target, Endpoint targetEndpoint, int srcPort, int dstPort, long at,
      long to, ProbeAnswer answer, String edgeKey, GroundTruthLabel label) {
    String id = communityId(scanner, target, 6, srcPort, dstPort);
    long replyAt = Math.min(at + 200_000, to - 1);
    if (answer == ProbeAnswer.SILENT) {
      observeFirst(at, at, scanner, scanner.asClient(), target, targetEndpoint, srcPort, dstPort, 6, SYN_PACKET, 1,
          TcpFlags.SYN, Verdict.FORWARDED, 0, null, id, edgeKey, label);
      return;
    }
    boolean open = answer == ProbeAnswer.OPEN;
    observeBoth(at, open ? replyAt : at, scanner, scanner.asClient(), target, targetEndpoint, srcPort, dstPort, 6,
        open ? SYN_PACKET + 40 : SYN_PACKET, open ? 2 : 1, 0, open ? TcpFlags.SYN | TcpFlags.RST : TcpFlags.SYN, null,
        50_000, to, id, edgeKey, label);
    observeBoth(replyAt, replyAt, target, targetEndpoint, scanner, scanner.asClient(), dstPort, srcPort, 6,
        open ? SYN_PACKET : 40, 1, 0, open ? TcpFlags.SYN | TcpFlags.ACK : TcpFlags.RST | TcpFlags.ACK, null,
        50_000, to, id, edgeKey, label);
  }

  /**
   * A connection attempt the policies drop: the client's SYN and its retransmissions (1 s and
   * 3 s later, those that fall in this interval), all dropped, seen once at the client's veth.
   */
  public void dropped(NetworkPeer client, NetworkPeer server, Endpoint serverEndpoint, int clientPort, int serverPort,
      int protocol, long at, long to, String edgeKey, GroundTruthLabel label) {
    String id = communityId(client, server, protocol, clientPort, serverPort);
    long packets = 1;
    long lastAt = at;
    if (protocol == 6) {
      if (at + NANOS_PER_SECOND < to) {
        packets++;
        lastAt = at + NANOS_PER_SECOND;
      }
      if (at + 3 * NANOS_PER_SECOND < to) {
        packets++;
        lastAt = at + 3 * NANOS_PER_SECOND;
      }
    }
    long bytes = (protocol == 6 ? SYN_PACKET : UDP_HEADER + 60) * packets;
    observeFirst(at, lastAt, client, client.asClient(), server, serverEndpoint, clientPort, serverPort, protocol, bytes,
        packets, protocol == 6 ? TcpFlags.SYN : 0, Verdict.DROPPED, packets, DROP_REASON, id, edgeKey, label);
  }

  private void observeBoth(long start, long end, NetworkPeer src, Endpoint srcEndpoint, NetworkPeer dst,
      Endpoint dstEndpoint, int srcPort, int dstPort, int protocol, long bytes, long packets, long gso, int flags,
      Long rtt, long oneWay, long to, String communityId, String edgeKey, GroundTruthLabel label) {
    Pod srcPod = src.pod();
    Pod dstPod = dst.pod();
    long delay = srcPod != null && dstPod != null && srcPod.node() == dstPod.node() ? 2_000 : oneWay;
    if (srcPod != null) {
      add(start, end, srcPod.node().name(), srcPod.interfaceName(), srcPod.interfaceIndex(), Direction.INGRESS, src,
          srcEndpoint, dst, dstEndpoint, srcPort, dstPort, protocol, bytes, packets, gso, flags, rtt, Verdict.FORWARDED,
          0, null, communityId, edgeKey, label);
    } else {
      add(start, end, dstPod.node().name(), Node.UPLINK, Node.UPLINK_INDEX, Direction.INGRESS, src, srcEndpoint, dst,
          dstEndpoint, srcPort, dstPort, protocol, bytes, packets, gso, flags, rtt, Verdict.FORWARDED, 0, null,
          communityId, edgeKey, label);
    }
    long laterStart = Math.min(start + delay, to - 1);
    long laterEnd = Math.min(end + delay, to - 1);
    if (dstPod != null) {
      add(laterStart, laterEnd, dstPod.node().name(), dstPod.interfaceName(), dstPod.interfaceIndex(), Direction.EGRESS,
          src, srcEndpoint, dst, dstEndpoint, srcPort, dstPort, protocol, bytes, packets, gso, flags, rtt,
          Verdict.FORWARDED, 0, null, communityId, edgeKey, label);
    } else {
      add(laterStart, laterEnd, srcPod.node().name(), Node.UPLINK, Node.UPLINK_INDEX, Direction.EGRESS, src, srcEndpoint,
          dst, dstEndpoint, srcPort, dstPort, protocol, bytes, packets, gso, flags, rtt, Verdict.FORWARDED, 0, null,
          communityId, edgeKey, label);
    }
  }

  private void observeFirst(long start, long end, NetworkPeer src, Endpoint srcEndpoint, NetworkPeer dst,
      Endpoint dstEndpoint, int srcPort, int dstPort, int protocol, long bytes, long packets, int flags, Verdict verdict,
      long drops, String dropReason, String communityId, String edgeKey, GroundTruthLabel label) {
    Pod srcPod = src.pod();
    add(start, end, srcPod.node().name(), srcPod.interfaceName(), srcPod.interfaceIndex(), Direction.INGRESS, src,
        srcEndpoint, dst, dstEndpoint, srcPort, dstPort, protocol, bytes, packets, 0, flags, null, verdict, drops,
        dropReason, communityId, edgeKey, label);
  }

  private void add(long start, long end, String node, String interfaceName, int interfaceIndex, Direction direction,
      NetworkPeer src, Endpoint srcEndpoint, NetworkPeer dst, Endpoint dstEndpoint, int srcPort, int dstPort,
      int protocol, long bytes, long packets, long gso, int flags, Long rtt, Verdict verdict, long drops,
      String dropReason, String communityId, String edgeKey, GroundTruthLabel label) {
    FlowEvent f = new FlowEvent();
    f.setFlowStart(instant(start));
    f.setFlowEnd(instant(end));
    f.setNode(node);
    f.setInterfaceName(interfaceName);
    f.setInterfaceIndex(interfaceIndex);
    f.setDirection(direction);
    f.setIpVersion(4);
    // A fresh wrapper per flow: ByteBuffers carry a position, and readers may move it.
    f.setSrcAddr(ByteBuffer.wrap(src.addressBytes()));
    f.setDstAddr(ByteBuffer.wrap(dst.addressBytes()));
    f.setSrcPort(srcPort);
    f.setDstPort(dstPort);
    f.setProtocol(protocol);
    f.setBytes(bytes);
    f.setPackets(packets);
    f.setGsoSegments(gso);
    f.setTcpFlags(flags);
    f.setDrops(drops);
    f.setDropBytes(drops == 0 ? 0 : bytes);
    f.setDropReason(dropReason);
    f.setTcpRttMicros(rtt);
    f.setVerdict(verdict);
    f.setPolicyNames(NO_POLICIES);
    f.setSamplingRate(1);
    f.setCommunityId(communityId);
    f.setSource(srcEndpoint);
    f.setDestination(dstEndpoint);
    long maxJitter = queue.maxJitterNanos();
    long delivery = maxJitter == 0 ? end : end + jitter.nextLong(maxJitter + 1);
    queue.add(f, delivery, edgeKey, label);
    written++;
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND), Math.floorMod(epochNanos, NANOS_PER_SECOND));
  }
}
