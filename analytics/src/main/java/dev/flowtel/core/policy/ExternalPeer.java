package dev.flowtel.core.policy;

import java.util.Objects;

/**
 * An address that is no pod of the cluster: the Internet, a node, a VM. Only ipBlock peers match
 * it, and no policy isolates it.
 */
public record ExternalPeer(IpAddress ip) implements Peer {

  public ExternalPeer {
    Objects.requireNonNull(ip, "ip");
  }

  public static ExternalPeer of(String address) {
    return new ExternalPeer(IpAddress.parse(address));
  }

  @Override
  public String display() {
    return ip.toString();
  }
}
