package dev.flowtel.collector.bpf;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds Ethernet frames byte by byte for BPF_PROG_TEST_RUN: Ethernet (+ VLAN tags), IPv4 or
 * IPv6 (+ extension headers), then a TCP, UDP, SCTP or ICMP header and payload. Checksums are
 * left zero: the TC program does not look at them.
 */
public final class Frames {

  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMP = 1;
  public static final int ICMPV6 = 58;
  public static final int SCTP = 132;

  private int etherType;
  private final java.util.List<Integer> vlans = new java.util.ArrayList<>();
  private byte[] src;
  private byte[] dst;
  private int protocol;
  private int fragmentOffset;
  private byte[] l4 = new byte[0];
  private byte[] payload = new byte[0];

  public static Frames ip(String src, String dst) {
    Frames f = new Frames();
    f.src = address(src);
    f.dst = address(dst);
    f.etherType = f.src.length == 4 ? 0x0800 : 0x86DD;
    return f;
  }

  public static byte[] address(String text) {
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  public Frames vlan(int id) {
    vlans.add(id);
    return this;
  }

  public Frames tcp(int srcPort, int dstPort, int flags, int optionBytes) {
    protocol = TCP;
    byte[] h = new byte[20 + optionBytes];
    port(h, 0, srcPort);
    port(h, 2, dstPort);
    h[12] = (byte) (((20 + optionBytes) / 4) << 4);
    h[13] = (byte) flags;
    for (int i = 20; i < h.length; i++) {
      h[i] = 1; // NOP options
    }
    l4 = h;
    return this;
  }

  public Frames udp(int srcPort, int dstPort) {
    protocol = UDP;
    byte[] h = new byte[8];
    port(h, 0, srcPort);
    port(h, 2, dstPort);
    l4 = h;
    return this;
  }

  public Frames sctp(int srcPort, int dstPort) {
    protocol = SCTP;
    byte[] h = new byte[12];
    port(h, 0, srcPort);
    port(h, 2, dstPort);
    l4 = h;
    return this;
  }

  public Frames icmp(int type, int code) {
    protocol = src.length == 4 ? ICMP : ICMPV6;
    l4 = new byte[] {(byte) type, (byte) code, 0, 0, 0, 1, 0, 1};
    return this;
  }

  /** Any other IP protocol, with {@code header} as its first bytes. */
  public Frames protocol(int number, byte[] header) {
    protocol = number;
    l4 = header;
    return this;
  }

  public Frames payload(int length) {
    payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) i;
    }
    return this;
  }

  /** An IPv6 extension header of {@code type} (0, 43, 60: 8 bytes; 44: fragment; 51: AH 12 bytes). */
  public Frames extension(int type) {
    extensionWithOffset(type, 0);
    return this;
  }

  public Frames fragment(int offsetUnits) {
    if (src.length == 4) {
      fragmentOffset = offsetUnits;
    } else {
      extensionWithOffset(44, offsetUnits);
    }
    return this;
  }

  private final java.util.List<int[]> extensionList = new java.util.ArrayList<>();

  private void extensionWithOffset(int type, int offset) {
    extensionList.add(new int[] {type, offset});
  }

  /** The L3 length: IP header + extensions + L4 header + payload. */
  public int l3Length() {
    return build().length - 14 - 4 * vlans.size();
  }

  public byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}); // dst, src MAC
    for (int id : vlans) {
      out.write(0x81);
      out.write(0x00);
      out.write((id >> 8) & 0x0F);
      out.write(id & 0xFF);
    }
    out.write(etherType >> 8);
    out.write(etherType & 0xFF);
    byte[] ext = extensionBytes();
    int l4Length = l4.length + payload.length;
    if (src.length == 4) {
      byte[] ip = new byte[20];
      ip[0] = 0x45;
      int total = 20 + l4Length;
      ip[2] = (byte) (total >> 8);
      ip[3] = (byte) total;
      ip[6] = (byte) ((fragmentOffset >> 8) & 0x1F);
      ip[7] = (byte) fragmentOffset;
      ip[8] = 64;
      ip[9] = (byte) protocol;
      System.arraycopy(src, 0, ip, 12, 4);
      System.arraycopy(dst, 0, ip, 16, 4);
      out.writeBytes(ip);
    } else {
      byte[] ip = new byte[40];
      ip[0] = 0x60;
      int payloadLength = ext.length + l4Length;
      ip[4] = (byte) (payloadLength >> 8);
      ip[5] = (byte) payloadLength;
      ip[6] = (byte) (extensionList.isEmpty() ? protocol : extensionList.get(0)[0]);
      ip[7] = 64;
      System.arraycopy(src, 0, ip, 8, 16);
      System.arraycopy(dst, 0, ip, 24, 16);
      out.writeBytes(ip);
      out.writeBytes(ext);
    }
    out.writeBytes(l4);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private byte[] extensionBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < extensionList.size(); i++) {
      int type = extensionList.get(i)[0];
      int next = i + 1 < extensionList.size() ? extensionList.get(i + 1)[0] : protocol;
      if (type == 44) {
        int offset = extensionList.get(i)[1] << 3;
        out.writeBytes(new byte[] {(byte) next, 0, (byte) (offset >> 8), (byte) offset, 0, 0, 0, 1});
      } else if (type == 51) {
        byte[] ah = new byte[12];
        ah[0] = (byte) next;
        ah[1] = 1; // (12 / 4) - 2
        out.writeBytes(ah);
      } else {
        byte[] h = new byte[8];
        h[0] = (byte) next;
        h[1] = 0; // (8 / 8) - 1
        h[2] = 1; // PadN option filling the rest
        h[3] = 4;
        out.writeBytes(h);
      }
    }
    return out.toByteArray();
  }

  private static void port(byte[] h, int at, int port) {
    h[at] = (byte) (port >> 8);
    h[at + 1] = (byte) port;
  }
}
