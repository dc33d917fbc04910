package dev.flowtel.core.policy;

import java.util.Locale;
import java.util.Optional;

/** The transport protocols a NetworkPolicy port can name; TCP when a policy port names none. */
public enum Protocol {
  TCP(6),
  UDP(17),
  SCTP(132);

  private final int ianaNumber;

  Protocol(int ianaNumber) {
    this.ianaNumber = ianaNumber;
  }

  /** The IANA protocol number, as FlowEvent carries it. */
  public int ianaNumber() {
    return ianaNumber;
  }

  /**
   * The protocol Kubernetes spells {@code name} (TCP, UDP, SCTP; case-insensitive here because
   * the CLI takes it from people).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Protocol parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("protocol \"" + name + "\" is not TCP, UDP or SCTP");
    }
  }

  /** The protocol of an IANA number; empty for ICMP and others, which NetworkPolicy ports cannot name. */
  public static Optional<Protocol> ofIanaNumber(int number) {
    for (Protocol protocol : values()) {
      if (protocol.ianaNumber == number) {
        return Optional.of(protocol);
      }
    }
    return Optional.empty();
  }
}
