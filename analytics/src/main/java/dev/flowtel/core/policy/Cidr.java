package dev.flowtel.core.policy;

/** An IPv4 or IPv6 network such as 10.0.0.0/8 or fd00::/64: an address and a prefix length. */
public record Cidr(IpAddress network, int prefixLength) {

  public Cidr {
    if (prefixLength < 0 || prefixLength > network.bits()) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0.." + network.bits());
    }
    // Host bits are cleared so that equal networks are equal records: 10.0.0.1/8 is 10.0.0.0/8,
    // as Kubernetes (Go's net.ParseCIDR) reads it.
    network = network.network(prefixLength);
  }

  /**
   * Parses CIDR notation, {@code address/prefix}.
   *
   * @throws IllegalArgumentException saying {@code "10.0.0.0/33" is not a CIDR} and why
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: it needs a /prefix length, e.g. "
          + text.trim() + (text.indexOf(':') >= 0 ? "/128" : "/32"));
    }
    IpAddress address;
    try {
      address = IpAddress.parse(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: " + e.getMessage());
    }
    String prefix = text.substring(slash + 1).trim();
    if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: the prefix length is not a number");
    }
    int length = Integer.parseInt(prefix);
    if (length > address.bits()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: an IPv" + address.version()
          + " prefix length is at most " + address.bits());
    }
    return new Cidr(address, length);
  }

  /** Whether {@code address} is in this network; an address of the other IP version never is. */
  public boolean contains(IpAddress address) {
    return network.samePrefix(address, prefixLength);
  }

  /** Whether every address of {@code other} is in this network. */
  public boolean contains(Cidr other) {
    return other.prefixLength >= prefixLength && contains(other.network);
  }

  public int version() {
    return network.version();
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
