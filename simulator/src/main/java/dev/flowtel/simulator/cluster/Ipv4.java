package dev.flowtel.simulator.cluster;

/** IPv4 addresses as ints (network order when read as unsigned big-endian), the simulator's one address form. */
public final class Ipv4 {

  private Ipv4() {}

  public static int of(int a, int b, int c, int d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  /** The 4 address bytes in network order; a fresh array each call. */
  public static byte[] bytes(int address) {
    return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
  }

  public static String format(int address) {
    return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
  }

  public static int parse(String text) {
    String[] parts = text.split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address: expected four dot-separated numbers");
    }
    int address = 0;
    for (String part : parts) {
      int octet = Integer.parseInt(part);
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address: " + part + " is not 0-255");
      }
      address = (address << 8) | octet;
    }
    return address;
  }
}
