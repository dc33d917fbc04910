package dev.flowtel.core.policy;

/** A named container port of a pod, against which a policy's named port is resolved. */
public record ContainerPort(String name, int port, Protocol protocol) {

  public static ContainerPort tcp(String name, int port) {
    return new ContainerPort(name, port, Protocol.TCP);
  }

  public static ContainerPort udp(String name, int port) {
    return new ContainerPort(name, port, Protocol.UDP);
  }

  /** The IANA number of its protocol (6 TCP, 17 UDP), as FlowEvent carries it. */
  public int protocolNumber() {
    return protocol.ianaNumber();
  }
}
