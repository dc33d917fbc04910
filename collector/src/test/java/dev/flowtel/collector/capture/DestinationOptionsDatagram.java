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
import java.net.Inet6Address;

/**
 * Sends IPv6 UDP datagrams that carry a Destination Options extension header (IPV6_DSTOPTS),
 * which Java's sockets cannot add: the UDP header then sits behind an extension header.
 */
final class DestinationOptionsDatagram {

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET = LINKER.downcallHandle(LINKER.defaultLookup().find("socket").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(LINKER.defaultLookup().find("setsockopt").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDTO = LINKER.downcallHandle(LINKER.defaultLookup().find("sendto").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = 2;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_DSTOPTS = 59;
  /** The 8-byte header: next header (the kernel fills it in), length 0, then a PadN option of 4 bytes. */
  static final int HEADER_BYTES = 8;

  private DestinationOptionsDatagram() {}

  /** Sends {@code count} datagrams of {@code payload} bytes to {@code target}:{@code port}. */
  static void send(Inet6Address target, int port, int count, int payload) throws Throwable {
    int fd = (int) SOCKET.invokeExact(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) {
      throw new IllegalStateException("socket(AF_INET6, SOCK_DGRAM) failed");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment options = arena.allocate(HEADER_BYTES);
      options.set(ValueLayout.JAVA_BYTE, 2, (byte) 1); // PadN
      options.set(ValueLayout.JAVA_BYTE, 3, (byte) 4); // of 4 bytes
      int rc = (int) SETSOCKOPT.invokeExact(fd, IPPROTO_IPV6, IPV6_DSTOPTS, options, HEADER_BYTES);
      if (rc != 0) {
        throw new IllegalStateException("setsockopt(IPV6_DSTOPTS) failed: needs CAP_NET_RAW");
      }
      MemorySegment address = arena.allocate(28, 4); // sockaddr_in6
      address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
      address.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
      address.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
      address.asSlice(8, 16).copyFrom(MemorySegment.ofArray(target.getAddress()));
      MemorySegment data = arena.allocate(payload);
      for (int i = 0; i < count; i++) {
        long sent = (long) SENDTO.invokeExact(fd, data, (long) payload, 0, address, (int) address.byteSize());
        if (sent != payload) {
          throw new IllegalStateException("sendto sent " + sent + " of " + payload + " bytes");
        }
      }
    } finally {
      int ignored = (int) CLOSE.invokeExact(fd);
    }
  }
}
