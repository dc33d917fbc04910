package dev.flowtel.collector.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The cheapest TC program there is: {@code r0 = -1; exit} (TC_ACT_UNSPEC, which TCX reads as
 * TCX_NEXT). Benchmarks attach it exactly where the capture programs go, so the cost of the hook
 * itself can be told apart from the cost of our code. Loaded from two raw instructions, no ELF.
 */
public final class PassProgram implements AutoCloseable {

  private static final int BPF_PROG_TYPE_SCHED_CLS = 3;
  // struct bpf_insn {u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, little-endian
  private static final long MOV64_R0_MINUS_1 = 0xb7L | (0xFFFFFFFFL << 32);
  private static final long EXIT = 0x95L;
  private static final MethodHandle PROG_LOAD = Libbpf.LINKER.downcallHandle(
      SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()).find("bpf_prog_load").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

  private final int fd;

  private PassProgram(int fd) {
    this.fd = fd;
  }

  /** Loads the program; throws with errno when the kernel refuses. */
  public static PassProgram load() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment insns = arena.allocate(16, 8);
      insns.set(ValueLayout.JAVA_LONG, 0, MOV64_R0_MINUS_1);
      insns.set(ValueLayout.JAVA_LONG, 8, EXIT);
      int fd = (int) PROG_LOAD.invokeExact(BPF_PROG_TYPE_SCHED_CLS, arena.allocateFrom("flowtel_pass"), arena.allocateFrom("GPL"),
          insns, 2L, MemorySegment.NULL);
      return new PassProgram(Libbpf.check(fd, "bpf_prog_load", "the two-instruction pass program"));
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public int fd() {
    return fd;
  }

  @Override
  public void close() {
    Libbpf.closeFd(fd);
  }
}
