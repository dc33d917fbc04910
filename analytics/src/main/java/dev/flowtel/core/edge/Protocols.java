package dev.flowtel.core.edge;

/** IANA protocol numbers and TCP flag bits as FlowEvent carries them. */
public final class Protocols {

  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMPV6 = 58;
  public static final int SCTP = 132;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int ACK = 0x10;

  private Protocols() {}

  /** ECS {@code network.transport} names: tcp, udp, icmp, ipv6-icmp, sctp, or the number. */
  public static String transportName(int protocol) {
    return switch (protocol) {
      case TCP -> "tcp";
      case UDP -> "udp";
      case ICMP -> "icmp";
      case ICMPV6 -> "ipv6-icmp";
      case SCTP -> "sctp";
      default -> Integer.toString(protocol);
    };
  }
}
