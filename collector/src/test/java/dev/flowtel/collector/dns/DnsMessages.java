package dev.flowtel.collector.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** DNS messages built byte by byte (RFC 1035 section 4) for tests: queries, and responses with A/AAAA/CNAME answers. */
public final class DnsMessages {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private DnsMessages() {
  }

  /** A standard query with one question, RD set. */
  public static byte[] query(int id, String name, int type) {
    DnsMessages m = new DnsMessages();
    m.header(id, 0x0100, 1, 0).name(name).u16(type).u16(1);
    return m.out.toByteArray();
  }

  /** A response header and the question; add answers with the returned builder. */
  public static DnsMessages response(int id, String name, int type, int rcode, int answers) {
    DnsMessages m = new DnsMessages();
    m.header(id, 0x8180 | rcode, 1, answers).name(name).u16(type).u16(1);
    return m;
  }

  /** A header followed by {@code rest} as is. */
  public static byte[] raw(int id, int flags, int qdcount, byte[] rest) {
    DnsMessages m = new DnsMessages();
    m.header(id, flags, qdcount, 0).out.writeBytes(rest);
    return m.out.toByteArray();
  }

  /** An address record whose owner is the question's name (a pointer to offset 12). */
  public DnsMessages address(byte[] address, long ttl) {
    return pointerRecord(12, address.length == 4 ? 1 : 28, ttl, address);
  }

  /** A record with owner {@code owner} (uncompressed), of any type. */
  public DnsMessages record(String owner, int type, long ttl, byte[] data) {
    name(owner);
    return fields(type, ttl, data);
  }

  /** A record whose owner is a compression pointer to {@code offset}. */
  public DnsMessages pointerRecord(int offset, int type, long ttl, byte[] data) {
    u16(0xC000 | offset);
    return fields(type, ttl, data);
  }

  public byte[] build() {
    return out.toByteArray();
  }

  /** A name in wire form (no compression). */
  public static byte[] wireName(String name) {
    DnsMessages m = new DnsMessages();
    m.name(name);
    return m.out.toByteArray();
  }

  /** A 2-byte length prefix and the message, as DNS over TCP sends it. */
  public static byte[] overTcp(byte[] message) {
    byte[] framed = new byte[message.length + 2];
    framed[0] = (byte) (message.length >> 8);
    framed[1] = (byte) message.length;
    System.arraycopy(message, 0, framed, 2, message.length);
    return framed;
  }

  private DnsMessages fields(int type, long ttl, byte[] data) {
    u16(type).u16(1).u16((int) (ttl >> 16)).u16((int) ttl).u16(data.length);
    out.writeBytes(data);
    return this;
  }

  private DnsMessages header(int id, int flags, int qdcount, int ancount) {
    return u16(id).u16(flags).u16(qdcount).u16(ancount).u16(0).u16(0);
  }

  private DnsMessages name(String name) {
    if (!name.isEmpty()) {
      for (String label : name.split("\\.")) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
      }
    }
    out.write(0);
    return this;
  }

  private DnsMessages u16(int v) {
    out.write((v >> 8) & 0xFF);
    out.write(v & 0xFF);
    return this;
  }
}
