package dev.flowtel.collector.enrich;

/**
 * A port with its IANA protocol number (6 TCP, 17 UDP, 132 SCTP) and its name, or null.
 * A pod's container ports, an EndpointSlice's ports.
 */
public record NamedPort(String name, int port, int protocol) {

  /** The protocol number of a Kubernetes protocol name; TCP when null. */
  public static int protocolNumber(String kubernetesProtocol) {
    if (kubernetesProtocol == null) {
      return 6;
    }
    return switch (kubernetesProtocol) {
      case "UDP" -> 17;
      case "SCTP" -> 132;
      default -> 6;
    };
  }

  /** One int per port and protocol, the key of per-port maps. */
  public static int key(int port, int protocol) {
    return (port << 8) | (protocol & 0xFF);
  }
}
