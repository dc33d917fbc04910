package dev.flowtel.core.flow;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A counted flow as the detectors see it: its service edge and direction (from core's
 * {@link FlowClassifier}), its 5-tuple, counters and datapath verdict, and what policy evaluation
 * needs of both ends. Flat and small, because engines shuffle it by detector key and keep none of
 * the FlowEvent.
 *
 * @param reply true when the packets go from the server to the client
 * @param dropped the datapath dropped the flow's packets (verdict DROPPED, or drops counted)
 * @param source the flow's source end (for a reply: the server), for policy evaluation
 * @param serverDomain the name the observing node saw resolved to the server's address (its Endpoint's {@code domain},
 *     ECS destination.domain for a request), or null; EXTERNAL_EGRESS names it
 */
public record ObservedFlow(
    long flowStartMillis,
    long flowEndMillis,
    String edgeKey,
    EdgeEnd client,
    EdgeEnd server,
    int serverPort,
    int protocol,
    boolean reply,
    long connectionId,
    IpAddress srcIp,
    IpAddress dstIp,
    int srcPort,
    int dstPort,
    int tcpFlags,
    long bytes,
    long packets,
    boolean dropped,
    PeerView source,
    PeerView destination,
    String serverDomain) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** A flow whose server has no name (tests, and sources that know none). */
  public ObservedFlow(long flowStartMillis, long flowEndMillis, String edgeKey, EdgeEnd client, EdgeEnd server, int serverPort,
      int protocol, boolean reply, long connectionId, IpAddress srcIp, IpAddress dstIp, int srcPort, int dstPort, int tcpFlags,
      long bytes, long packets, boolean dropped, PeerView source, PeerView destination) {
    this(flowStartMillis, flowEndMillis, edgeKey, client, server, serverPort, protocol, reply, connectionId, srcIp, dstIp,
        srcPort, dstPort, tcpFlags, bytes, packets, dropped, source, destination, null);
  }

  /**
   * One end of a flow as enrichment knew it, reduced to what NetworkPolicy evaluation reads.
   *
   * @param pod true for a pod (or a host-network pod) with a namespace; false for anything else
   */
  public record PeerView(boolean pod, String namespace, String name, Map<String, String> labels, boolean hostNetwork)
      implements Serializable {

    private static final long serialVersionUID = 1L;
    static final PeerView NOT_A_POD = new PeerView(false, null, null, new HashMap<>(), false);

    public PeerView {
      // A HashMap, not an immutable copy: engines serialize it with general-purpose serializers.
      labels = labels == null ? new HashMap<>() : new HashMap<>(labels);
    }

    static PeerView of(Endpoint endpoint) {
      if (endpoint == null || endpoint.getNamespace() == null) {
        return NOT_A_POD;
      }
      boolean host = endpoint.getKind() == EndpointKind.HOST && endpoint.getPod() != null;
      if (endpoint.getKind() != EndpointKind.POD && !host) {
        return NOT_A_POD;
      }
      return new PeerView(true, endpoint.getNamespace(), endpoint.getPod(), endpoint.getLabels(),
          endpoint.getHostNetwork() || host);
    }
  }

  /** The counted flow of {@code event}, or empty when this observation point duplicates another. */
  public static Optional<ObservedFlow> of(FlowEvent event, FlowClassifier classifier) {
    return classifier.classify(event).map(classified -> of(event, classified));
  }

  public static ObservedFlow of(FlowEvent event, ClassifiedFlow classified) {
    boolean dropped = event.getVerdict() == Verdict.DROPPED || event.getDrops() > 0;
    return new ObservedFlow(event.getFlowStart().toEpochMilli(), classified.eventTimeMillis(), classified.edgeKey(),
        classified.edge().source(), classified.edge().destination(), classified.edge().destinationPort(),
        event.getProtocol(), classified.reply(), classified.connectionId(), address(event.getSrcAddr()),
        address(event.getDstAddr()), event.getSrcPort(), event.getDstPort(), event.getTcpFlags(), event.getBytes(),
        event.getPackets(), dropped, PeerView.of(event.getSource()), PeerView.of(event.getDestination()),
        domain(classified.reply() ? event.getSource() : event.getDestination()));
  }

  private static String domain(Endpoint endpoint) {
    return endpoint == null ? null : endpoint.getDomain();
  }

  /** The client's end: the flow's source for a request, its destination for a reply. */
  public PeerView clientPeer() {
    return reply ? destination : source;
  }

  public PeerView serverPeer() {
    return reply ? source : destination;
  }

  public IpAddress clientIp() {
    return reply ? dstIp : srcIp;
  }

  public IpAddress serverIp() {
    return reply ? srcIp : dstIp;
  }

  public boolean tcp() {
    return protocol == Protocols.TCP;
  }

  /** A TCP request flow carrying SYN: the client opened (or tried to open) a connection in this interval. */
  public boolean connectionAttempt() {
    return tcp() && !reply && (tcpFlags & Protocols.SYN) != 0;
  }

  /**
   * A TCP attempt the client never acknowledged, or reset: unanswered, refused, or a scanner's
   * half-open probe. A client completing the handshake sends an ACK in the same interval.
   */
  public boolean failedAttempt() {
    return connectionAttempt() && ((tcpFlags & Protocols.ACK) == 0 || (tcpFlags & Protocols.RST) != 0);
  }

  /**
   * A forwarded request that proves a working connection: for TCP the client acknowledged (the
   * handshake completed) and did not reset; connectionless protocols always qualify.
   */
  public boolean established() {
    if (reply || dropped) {
      return false;
    }
    return !tcp() || ((tcpFlags & Protocols.ACK) != 0 && (tcpFlags & Protocols.RST) == 0);
  }

  /** The sample of this flow for evidence. */
  public FlowSampleView sample() {
    return new FlowSampleView(srcIp.toString(), dstIp.toString(), srcPort, dstPort, protocol, flowEndMillis);
  }

  private static IpAddress address(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return IpAddress.ofBytes(out);
  }
}
