package dev.flowtel.collector.dns;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One record of the kernel's dns_events ring buffer (flowtel.h struct dns_event, written by dns.h): a
 * query when the programs first saw it, or a response with its query's time. Times are CLOCK_MONOTONIC
 * nanoseconds; addresses are 4 bytes for IPv4, 16 for IPv6, network order.
 *
 * @param responseNanos 0 in a query event
 * @param ifindex       the interface the query passed
 * @param messageLength the DNS message's length on the wire (without TCP's length prefix)
 * @param responseCode  RCODE of a response; 0 in a query event
 * @param answerCount   ANCOUNT of a response; 0 in a query event
 * @param questionEnd   offset in {@code message} just past the question
 * @param message       the first bytes of the message as the kernel copied them (at most {@link #MAX_MESSAGE})
 */
public record KernelDnsEvent(
    Kind kind,
    Key key,
    long queryNanos,
    long responseNanos,
    int ifindex,
    int messageLength,
    int responseCode,
    int queryType,
    int answerCount,
    int questionEnd,
    byte[] message) {

  /** flowtel.h DNS_EVENT_HEADER_LEN: the message follows. */
  public static final int HEADER_SIZE = 72;
  /** flowtel.h DNS_MAX_MESSAGE. */
  public static final int MAX_MESSAGE = 512;

  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

  /** What the kernel reported. */
  public enum Kind {
    QUERY, RESPONSE
  }

  /**
   * A transaction's identity, as dns_pending keys it: the querier (client) and server ends, the transport and the ID.
   * Addresses are held as their hex text so that the record's equality is the addresses' equality.
   */
  public record Key(int ipVersion, int protocol, String clientHex, String serverHex, int clientPort, int serverPort,
      int transactionId) {

    public byte[] clientAddr() {
      return java.util.HexFormat.of().parseHex(clientHex);
    }

    public byte[] serverAddr() {
      return java.util.HexFormat.of().parseHex(serverHex);
    }
  }

  /** Decodes a ring-buffer record; throws IllegalArgumentException naming what is wrong with one that does not fit. */
  public static KernelDnsEvent decode(MemorySegment data) {
    if (data.byteSize() < HEADER_SIZE) {
      throw new IllegalArgumentException("a dns_events record of " + data.byteSize() + " bytes, shorter than its " + HEADER_SIZE
          + "-byte header: flowtel.bpf.o and KernelDnsEvent disagree");
    }
    int copied = data.get(U16, 62) & 0xFFFF;
    if (copied > MAX_MESSAGE || HEADER_SIZE + copied > data.byteSize()) {
      throw new IllegalArgumentException("a dns_events record of " + data.byteSize() + " bytes claims " + copied
          + " message bytes");
    }
    int version = data.get(ValueLayout.JAVA_BYTE, 39) & 0xFF;
    int length = version == 4 ? 4 : 16;
    java.util.HexFormat hex = java.util.HexFormat.of();
    Key key = new Key(version, data.get(ValueLayout.JAVA_BYTE, 38) & 0xFF,
        hex.formatHex(data.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)),
        hex.formatHex(data.asSlice(16, length).toArray(ValueLayout.JAVA_BYTE)),
        data.get(U16, 32) & 0xFFFF, data.get(U16, 34) & 0xFFFF, data.get(U16, 36) & 0xFFFF);
    int kind = data.get(ValueLayout.JAVA_BYTE, 64);
    if (kind != 1 && kind != 2) {
      throw new IllegalArgumentException("a dns_events record of unknown kind " + kind);
    }
    return new KernelDnsEvent(kind == 1 ? Kind.QUERY : Kind.RESPONSE, key, data.get(U64, 40), data.get(U64, 48),
        data.get(U32, 56), data.get(U16, 60) & 0xFFFF, data.get(ValueLayout.JAVA_BYTE, 65) & 0xFF, data.get(U16, 66) & 0xFFFF,
        data.get(U16, 68) & 0xFFFF, data.get(U16, 70) & 0xFFFF,
        data.asSlice(HEADER_SIZE, copied).toArray(ValueLayout.JAVA_BYTE));
  }

  /** The response's TC bit: the server truncated it (the client should retry over TCP). */
  public boolean truncatedBit() {
    return message.length > 2 && (message[2] & 0x02) != 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelDnsEvent e && kind == e.kind && key.equals(e.key) && queryNanos == e.queryNanos
        && responseNanos == e.responseNanos && ifindex == e.ifindex && Arrays.equals(message, e.message);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Long.hashCode(queryNanos);
  }

  @Override
  public String toString() {
    return kind + " " + key + " query " + queryNanos + " response " + responseNanos + " ifindex " + ifindex + " rcode "
        + responseCode + " qtype " + queryType + " ancount " + answerCount + " (" + message.length + " of " + messageLength
        + " bytes)";
  }
}
