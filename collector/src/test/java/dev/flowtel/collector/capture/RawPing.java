package dev.flowtel.collector.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;

/**
 * Sends ICMP / ICMPv6 echo requests from a raw socket (no ping binary on a fresh machine): run it
 * on a thread inside the sending namespace. The receiving kernel answers each with an echo reply.
 */
final class RawPing {

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET = LINKER.downcallHandle(LINKER.defaultLookup().find("socket").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SENDTO = LINKER.downcallHandle(LINKER.defaultLookup().find("sendto").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private RawPing() {}

  /** Sends {@code count} echo requests with {@code payload} bytes of data each to {@code target}. */
  static void send(InetAddress target, int count, int payload) throws Throwable {
    boolean v6 = target.getAddress().length == 16;
    int fd = (int) SOCKET.invokeExact(v6 ? 10 : 2, 3 /* SOCK_RAW */, v6 ? 58 : 1);
    if (fd < 0) {
      throw new IllegalStateException("socket(SOCK_RAW) failed: needs CAP_NET_RAW");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment address = arena.allocate(v6 ? 28 : 16, 4);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? 10 : 2));
      address.asSlice(v6 ? 8 : 4, v6 ? 16 : 4).copyFrom(MemorySegment.ofArray(target.getAddress()));
      for (int seq = 1; seq <= count; seq++) {
        byte[] icmp = new byte[8 + payload];
        icmp[0] = (byte) (v6 ? 128 : 8);
        icmp[4] = 0x12;
        icmp[5] = 0x34;
        icmp[7] = (byte) seq;
        for (int i = 8; i < icmp.length; i++) {
          icmp[i] = (byte) i;
        }
        if (!v6) { // the kernel fills in the ICMPv6 checksum, not the ICMP one
          int sum = checksum(icmp);
          icmp[2] = (byte) (sum >> 8);
          icmp[3] = (byte) sum;
        }
        MemorySegment buffer = arena.allocate(icmp.length);
        buffer.copyFrom(MemorySegment.ofArray(icmp));
        long sent = (long) SENDTO.invokeExact(fd, buffer, (long) icmp.length, 0, address, (int) address.byteSize());
        if (sent != icmp.length) {
          throw new IllegalStateException("sendto sent " + sent + " of " + icmp.length + " bytes");
        }
      }
    } finally {
      int ignored = (int) CLOSE.invokeExact(fd);
    }
  }

  private static int checksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i < data.length; i += 2) {
      int word = (data[i] & 0xFF) << 8 | (i + 1 < data.length ? data[i + 1] & 0xFF : 0);
      sum += word;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (int) (~sum & 0xFFFF);
  }
}
