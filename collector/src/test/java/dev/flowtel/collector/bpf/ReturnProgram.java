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
 * A stand-in for a CNI's TC program, as Cilium's are: {@code r0 = 0; exit}, the verdict TC_ACT_OK
 * (TCX_PASS), which lets the packet through and ends processing on the hook, so nothing attached
 * behind it runs. Loaded from two raw instructions (no ELF, no clang); tests attach it as a TCX link
 * or as a legacy clsact filter at a handle and priority of their choosing.
 */
public final class VerdictProgram implements AutoCloseable {

  private static final int BPF_PROG_TYPE_SCHED_CLS = 3;
  // struct bpf_insn {u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, little-endian
  private static final long MOV64_R0_0 = 0xb7L;
  private static final long EXIT = 0x95L;
  private static final int BPF_TC_INGRESS = 1;
  private static final int BPF_TC_EGRESS = 2;
  private static final int BPF_TC_F_REPLACE = 1;
  private static final MethodHandle PROG_LOAD = Libbpf.LINKER.downcallHandle(
      SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()).find("bpf_prog_load").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

  private final int fd;
  private final int id;

  private VerdictProgram(int fd) {
    this.fd = fd;
    this.id = BpfSyscall.programInfo(fd).id();
  }

  /** Loads the program, named "cni_pass"; throws with errno when the kernel refuses. */
  public static VerdictProgram load() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment insns = arena.allocate(16, 8);
      insns.set(ValueLayout.JAVA_LONG, 0, MOV64_R0_0);
      insns.set(ValueLayout.JAVA_LONG, 8, EXIT);
      int fd = (int) PROG_LOAD.invokeExact(BPF_PROG_TYPE_SCHED_CLS, arena.allocateFrom("cni_pass"), arena.allocateFrom("GPL"),
          insns, 2L, MemorySegment.NULL);
      return new VerdictProgram(Libbpf.check(fd, "bpf_prog_load", "the two-instruction TC_ACT_OK program"));
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public int fd() {
    return fd;
  }

  /** The kernel's id of the program, as BPF_PROG_QUERY and filter dumps name it. */
  public int id() {
    return id;
  }

  /** "prog 57 cni_pass", as {@link HookChain} describes a TCX program. */
  public String tcxMember() {
    return "prog " + id + " cni_pass";
  }

  /**
   * Adds it as a direct-action clsact filter at {@code priority} and {@code handle} on the calling
   * thread's interface {@code ifindex} (creating the clsact qdisc if needed), as a legacy CNI does.
   */
  public void attachFilter(int ifindex, TcHook.Point point, int priority, int handle) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment hook = hook(arena, ifindex, point);
      int rc = (int) Libbpf.TC_HOOK_CREATE.invokeExact(hook);
      if (rc < 0 && rc != -Errno.EEXIST) {
        throw new BpfException("bpf_tc_hook_create(clsact)", "ifindex " + ifindex, -rc);
      }
      Libbpf.check((int) Libbpf.TC_ATTACH.invokeExact(hook, opts(arena, fd, BPF_TC_F_REPLACE, priority, handle)),
          "bpf_tc_attach(" + point + ")", "ifindex " + ifindex);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Removes the filter at {@code priority} and {@code handle}; throws when there is none. */
  public static void detachFilter(int ifindex, TcHook.Point point, int priority, int handle) {
    try (Arena arena = Arena.ofConfined()) {
      Libbpf.check((int) Libbpf.TC_DETACH.invokeExact(hook(arena, ifindex, point), opts(arena, 0, 0, priority, handle)),
          "bpf_tc_detach(" + point + ")", "ifindex " + ifindex);
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static MemorySegment hook(Arena arena, int ifindex, TcHook.Point point) {
    MemorySegment hook = arena.allocate(24, 8);
    hook.set(ValueLayout.JAVA_LONG, 0, 24);
    hook.set(ValueLayout.JAVA_INT, 8, ifindex);
    hook.set(ValueLayout.JAVA_INT, 12, point == TcHook.Point.INGRESS ? BPF_TC_INGRESS : BPF_TC_EGRESS);
    return hook;
  }

  private static MemorySegment opts(Arena arena, int programFd, int flags, int priority, int handle) {
    MemorySegment opts = arena.allocate(32, 8);
    opts.set(ValueLayout.JAVA_LONG, 0, 32);
    opts.set(ValueLayout.JAVA_INT, 8, programFd);
    opts.set(ValueLayout.JAVA_INT, 12, flags);
    opts.set(ValueLayout.JAVA_INT, 20, handle);
    opts.set(ValueLayout.JAVA_INT, 24, priority);
    return opts;
  }

  @Override
  public void close() {
    Libbpf.closeFd(fd);
  }
}
