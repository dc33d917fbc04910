package dev.flowtel.core.policy;

import java.util.Objects;

/** One entry of a cluster-scoped rule's ports (v1alpha1) or protocols (v1alpha2). */
public sealed interface ClusterPort {

  /** Whether traffic of {@code protocol} to {@code port} of {@code destination} is covered. */
  boolean matches(Protocol protocol, int port, Peer destination);

  /** {@code portNumber}, or v1alpha2's {@code tcp: {destinationPort: {number}}}. */
  record Number(Protocol protocol, int port) implements ClusterPort {
    public Number {
      Objects.requireNonNull(protocol, "protocol");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 1..65535");
      }
    }

    @Override
    public boolean matches(Protocol trafficProtocol, int trafficPort, Peer destination) {
      return trafficProtocol == protocol && trafficPort == port;
    }

    @Override
    public String toString() {
      return protocol + "/" + port;
    }
  }

  /** {@code portRange}, or v1alpha2's {@code destinationPort: {range}}: start to end, both included. */
  record Range(Protocol protocol, int start, int end) implements ClusterPort {
    public Range {
      Objects.requireNonNull(protocol, "protocol");
      if (start < 1 || end > 65535 || start >= end) {
        throw new IllegalArgumentException("port range " + start + "-" + end
            + " must have 1 <= start < end <= 65535");
      }
    }

    @Override
    public boolean matches(Protocol trafficProtocol, int trafficPort, Peer destination) {
      return trafficProtocol == protocol && trafficPort >= start && trafficPort <= end;
    }

    @Override
    public String toString() {
      return protocol + "/" + start + "-" + end;
    }
  }

  /**
   * {@code namedPort} ({@code destinationNamedPort} in v1alpha2): the destination pod's container
   * port of that name, on its protocol. Nodes, networks and pods with unknown ports match no name.
   */
  record Named(String name) implements ClusterPort {
    public Named {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public boolean matches(Protocol trafficProtocol, int trafficPort, Peer destination) {
      if (!(destination instanceof PodInfo pod) || pod.hostNetwork()) {
        return false;
      }
      ContainerPort named = pod.namedPorts().get(name);
      return named != null && named.protocol() == trafficProtocol && named.port() == trafficPort;
    }

    @Override
    public String toString() {
      return "named port " + name;
    }
  }
}
