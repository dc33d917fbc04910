package dev.flowtel.collector.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The kernel's own run-time accounting of BPF programs (BPF_ENABLE_STATS): while an instance is
 * open, every program run adds its duration to the program's run_time_ns and run_cnt, which gives
 * the cost per packet on the live path instead of BPF_PROG_TEST_RUN's. The accounting itself adds
 * tens of ns per run, so compare programs measured the same way (e.g. against a do-nothing one).
 */
public final class ProgramStats implements AutoCloseable {

  private static final int BPF_STATS_RUN_TIME = 0;
  private static final int PROG_INFO_SIZE = 256; // struct bpf_prog_info is 232 bytes in 6.x uapi; the kernel zero-fills up to the size it knows
  private static final long RUN_TIME_NS = 192;
  private static final long RUN_CNT = 200;
  private static final SymbolLookup LIBBPF = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
  private static final MethodHandle ENABLE_STATS = Libbpf.LINKER.downcallHandle(LIBBPF.find("bpf_enable_stats").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle OBJ_GET_INFO = Libbpf.LINKER.downcallHandle(LIBBPF.find("bpf_obj_get_info_by_fd").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

  /** Time and count of runs so far. */
  public record Runs(long nanos, long count) {
    /** Mean ns per run between {@code earlier} and this. */
    public double meanSince(Runs earlier) {
      long n = count - earlier.count;
      return n == 0 ? Double.NaN : (double) (nanos - earlier.nanos) / n;
    }

    public long countSince(Runs earlier) {
      return count - earlier.count;
    }
  }

  private final int fd;

  private ProgramStats(int fd) {
    this.fd = fd;
  }

  /** Turns the accounting on until {@link #close()}. */
  public static ProgramStats enable() {
    try {
      int fd = (int) ENABLE_STATS.invokeExact(BPF_STATS_RUN_TIME);
      return new ProgramStats(Libbpf.check(fd, "bpf_enable_stats(BPF_STATS_RUN_TIME)", "this kernel"));
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The accumulated runs of program {@code programFd}. */
  public static Runs of(int programFd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(PROG_INFO_SIZE, 8);
      MemorySegment length = arena.allocate(JAVA_INT);
      length.set(JAVA_INT, 0, PROG_INFO_SIZE);
      Libbpf.check((int) OBJ_GET_INFO.invokeExact(programFd, info, length), "bpf_obj_get_info_by_fd", "program fd " + programFd);
      return new Runs(info.get(ValueLayout.JAVA_LONG, RUN_TIME_NS), info.get(ValueLayout.JAVA_LONG, RUN_CNT));
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public void close() {
    Libbpf.closeFd(fd);
  }
}
