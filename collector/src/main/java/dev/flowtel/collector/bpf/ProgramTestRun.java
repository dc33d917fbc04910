package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs a loaded TC program once on a packet built in user space (BPF_PROG_TEST_RUN): the kernel
 * wraps the bytes in an skb on the loopback device and runs the program as at a TC hook, so the
 * parser and the maps can be tested without any interface.
 */
public final class ProgramTestRun {

  private static final long OPTS_SIZE = 80; // struct bpf_test_run_opts, libbpf 1.1
  private static final long SKB_CONTEXT_SIZE = 192; // struct __sk_buff

  private ProgramTestRun() {}

  /** Runs {@code programFd} on {@code frame} (starting with its Ethernet header); returns the program's return code. */
  public static int run(int programFd, byte[] frame) {
    return run(programFd, frame, 0, 0);
  }

  /**
   * As {@link #run(int, byte[])}, with the skb marked as a GSO super-packet of {@code gsoSegments}
   * segments of {@code gsoSize} bytes (0 for a plain packet).
   */
  public static int run(int programFd, byte[] frame, int gsoSegments, int gsoSize) {
    return (int) execute(programFd, frame, gsoSegments, gsoSize, 0, 1)[0];
  }

  /** As {@link #run(int, byte[])}, with the packet on interface {@code ifindex} (it must exist in this namespace) instead of loopback. */
  public static int runOn(int programFd, byte[] frame, int ifindex) {
    return (int) execute(programFd, frame, 0, 0, ifindex, 1)[0];
  }

  /** Runs the program {@code repeat} times in the kernel on the same frame; returns the mean ns per run. */
  public static long meanNanos(int programFd, byte[] frame, int repeat) {
    return execute(programFd, frame, 0, 0, 0, repeat)[1];
  }

  private static long[] execute(int programFd, byte[] frame, int gsoSegments, int gsoSize, int ifindex, int repeat) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(frame.length, 8);
      data.copyFrom(MemorySegment.ofArray(frame));
      MemorySegment ctx = arena.allocate(SKB_CONTEXT_SIZE, 8);
      ctx.set(ValueLayout.JAVA_INT, 40, ifindex); // 0 or 1: loopback
      ctx.set(ValueLayout.JAVA_INT, 164, gsoSegments);
      ctx.set(ValueLayout.JAVA_INT, 176, gsoSize);
      MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
      opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
      opts.set(ValueLayout.ADDRESS, 8, data);
      opts.set(ValueLayout.JAVA_INT, 24, frame.length);
      opts.set(ValueLayout.ADDRESS, 32, ctx);
      opts.set(ValueLayout.JAVA_INT, 48, (int) SKB_CONTEXT_SIZE);
      opts.set(ValueLayout.JAVA_INT, 60, repeat);
      int rc = (int) Libbpf.PROG_TEST_RUN.invokeExact(programFd, opts);
      Libbpf.check(rc, "bpf_prog_test_run_opts", "program fd " + programFd + " with a " + frame.length + "-byte frame");
      return new long[] {opts.get(ValueLayout.JAVA_INT, 56), opts.get(ValueLayout.JAVA_INT, 64) & 0xFFFFFFFFL};
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
