package dev.flowtel.collector.enrich;

/**
 * An IPv4 or IPv6 network such as {@code 10.244.0.0/16} or {@code fd00::/8}.
 *
 * @param prefixLength in the address's own family: at most 32 for IPv4, 128 for IPv6
 */
public record Cidr(Address network, int prefixLength, boolean ipv4) {

  /**
   * Parses {@code text}; {@code where} names the option or field in the error.
   *
   * @throws IllegalArgumentException saying what is wrong, e.g. {@code --pod-cidr "10.0.0.0/33": prefix 33 exceeds 32}
   */
  public static Cidr parse(String where, String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(where + " \"" + text + "\" is not a CIDR: expected address/prefix, e.g. 10.244.0.0/16");
    }
    Address address;
    int prefix;
    try {
      address = Address.parse(t.substring(0, slash));
      prefix = Integer.parseInt(t.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " \"" + text + "\" is not a CIDR: " + e.getMessage(), e);
    }
    boolean v4 = address.isIpv4();
    int max = v4 ? 32 : 128;
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(where + " \"" + text + "\" is not a CIDR: prefix " + prefix + " exceeds " + max);
    }
    return new Cidr(mask(address, v4 ? prefix + 96 : prefix), prefix, v4);
  }

  public boolean contains(Address address) {
    if (address.isIpv4() != ipv4) {
      return false;
    }
    return mask(address, ipv4 ? prefixLength + 96 : prefixLength).equals(network);
  }

  private static Address mask(Address a, int bits) {
    long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
    long lowMask = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
    return new Address(a.high() & highMask, a.low() & lowMask);
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
