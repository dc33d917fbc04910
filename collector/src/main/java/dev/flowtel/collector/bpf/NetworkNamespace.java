package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Moves the calling thread (only that thread: Linux namespaces are per task) into a network
 * namespace, e.g. {@code /var/run/netns/<name>} made by {@code ip netns add}. Sockets the thread
 * opens afterwards, and netlink calls libbpf makes from it, live in that namespace. Use it from a
 * platform thread that does nothing else, never from a virtual thread.
 */
public final class NetworkNamespace {

  private static final int O_RDONLY_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;

  private NetworkNamespace() {}

  public static void enter(Path namespace) {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException("setns from a virtual thread would move its carrier thread; use a platform thread");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(Libbpf.CAPTURE_LAYOUT);
      int fd = (int) Libbpf.OPEN.invokeExact(errno, arena.allocateFrom(namespace.toString()), O_RDONLY_CLOEXEC);
      if (fd < 0) {
        throw new BpfException("open", "network namespace " + namespace, Libbpf.errno(errno));
      }
      try {
        int rc = (int) Libbpf.SETNS.invokeExact(errno, fd, CLONE_NEWNET);
        if (rc < 0) {
          throw new BpfException("setns(CLONE_NEWNET)", "network namespace " + namespace, Libbpf.errno(errno));
        }
      } finally {
        Libbpf.closeFd(fd);
      }
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The index of interface {@code name} in the calling thread's namespace, or 0 when there is none. */
  public static int interfaceIndex(String name) {
    try (Arena arena = Arena.ofConfined()) {
      return (int) Libbpf.IF_NAMETOINDEX.invokeExact(arena.allocateFrom(name));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
