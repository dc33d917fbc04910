package dev.flowtel.simulator.cluster;

/** A named container port; {@code protocol} is the IANA number (6 TCP, 17 UDP). */
public record ContainerPort(String name, int port, int protocol) {

  public static ContainerPort tcp(String name, int port) {
    return new ContainerPort(name, port, 6);
  }

  public static ContainerPort udp(String name, int port) {
    return new ContainerPort(name, port, 17);
  }

  /** "TCP" or "UDP", as NetworkPolicy ports spell it. */
  public String protocolName() {
    return protocol == 17 ? "UDP" : "TCP";
  }
}
