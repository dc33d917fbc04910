package dev.flowtel.core.edge;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;

/**
 * Tells requests (client to server) from replies (server to client) using only the 5-tuple and
 * enrichment, so every export interval of a connection, SYN or not, maps to the same edge:
 * <ol>
 *   <li>ICMP: echo, timestamp, information and address-mask replies are replies.</li>
 *   <li>When exactly one side is a pod behind a Service on its port, that side is the server.</li>
 *   <li>When exactly one port is ephemeral (at or above {@link #EPHEMERAL_PORT_START}, Linux's
 *       default range), the other side is the server.</li>
 *   <li>Otherwise the lower port is the server's (ties: the destination is the server).</li>
 * </ol>
 * TCP SYN flags are not used to orient: they appear in one interval only, and using them there
 * would split a connection whose ports contradict them over two edges.
 */
public final class ConnectionRole {

  public static final int EPHEMERAL_PORT_START = 32768;

  private ConnectionRole() {}

  /** True when the flow's packets go from the server to the client. */
  public static boolean isReply(FlowEvent flow) {
    int protocol = flow.getProtocol();
    if (protocol == Protocols.ICMP || protocol == Protocols.ICMPV6) {
      Integer type = flow.getIcmpType();
      return type != null && isIcmpReply(protocol, type);
    }
    boolean sourceServed = hasService(flow.getSource());
    boolean destinationServed = hasService(flow.getDestination());
    if (sourceServed != destinationServed) {
      return sourceServed;
    }
    int src = flow.getSrcPort();
    int dst = flow.getDstPort();
    boolean srcEphemeral = src >= EPHEMERAL_PORT_START;
    boolean dstEphemeral = dst >= EPHEMERAL_PORT_START;
    if (srcEphemeral != dstEphemeral) {
      return dstEphemeral;
    }
    return src < dst;
  }

  private static boolean isIcmpReply(int protocol, int type) {
    if (protocol == Protocols.ICMP) {
      return type == 0 || type == 14 || type == 16 || type == 18;
    }
    return type == 129;
  }

  private static boolean hasService(Endpoint endpoint) {
    return endpoint != null && endpoint.getKind() == EndpointKind.POD && !endpoint.getServices().isEmpty();
  }
}
