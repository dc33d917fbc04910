package dev.flowtel.core.policy;

import java.util.Objects;

/**
 * One entry of a rule's {@code ports}: a protocol and a port number, a port range
 * ({@code port..endPort}), a container port name, or no port (every port of the protocol).
 *
 * @param portName the container port name when the policy names a port, else null
 * @param port the first port number, 0 when the policy names none or names a port by name
 * @param endPort the last port of a range, 0 when there is no range
 */
public record PolicyPort(Protocol protocol, String portName, int port, int endPort) {

  public PolicyPort {
    Objects.requireNonNull(protocol, "protocol");
    if (portName != null && (port != 0 || endPort != 0)) {
      throw new IllegalArgumentException("a named port \"" + portName + "\" takes no number and no endPort");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
    if (endPort != 0 && (port == 0 || endPort < port || endPort > 65535)) {
      throw new IllegalArgumentException("endPort " + endPort + " needs a numeric port no greater than it"
          + (port == 0 ? "" : " (port is " + port + ")"));
    }
  }

  public static PolicyPort anyPort(Protocol protocol) {
    return new PolicyPort(protocol, null, 0, 0);
  }

  public static PolicyPort number(Protocol protocol, int port) {
    return new PolicyPort(protocol, null, port, 0);
  }

  public static PolicyPort range(Protocol protocol, int port, int endPort) {
    return new PolicyPort(protocol, null, port, endPort);
  }

  public static PolicyPort named(Protocol protocol, String name) {
    return new PolicyPort(protocol, name, 0, 0);
  }

  /**
   * Whether traffic of {@code protocol} to {@code destinationPort} of {@code destination} is
   * covered. A named port matches only when the destination is a pod with a container port of
   * that name and protocol on that number; an external destination or one with unknown ports
   * matches no named port.
   */
  public boolean matches(Protocol trafficProtocol, int destinationPort, Peer destination) {
    if (trafficProtocol != protocol) {
      return false;
    }
    if (portName != null) {
      if (!(destination instanceof PodInfo pod)) {
        return false;
      }
      ContainerPort named = pod.namedPorts().get(portName);
      return named != null && named.protocol() == protocol && named.port() == destinationPort;
    }
    if (port == 0) {
      return true;
    }
    if (endPort == 0) {
      return destinationPort == port;
    }
    return destinationPort >= port && destinationPort <= endPort;
  }

  @Override
  public String toString() {
    if (portName != null) {
      return protocol + "/" + portName;
    }
    if (port == 0) {
      return protocol + "/any";
    }
    return protocol + "/" + port + (endPort == 0 ? "" : "-" + endPort);
  }
}
