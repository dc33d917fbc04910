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
 * A TC program of two raw instructions, {@code r0 = <return value>; exit} (no ELF, no clang), in two roles:
 * <ul>
 *   <li>{@link #pass()}: the cheapest TC program there is, returning TC_ACT_UNSPEC (TCX_NEXT). Benchmarks attach it
 *       exactly where the capture programs go, so the cost of the hook itself can be told apart from our code's.</li>
 *   <li>{@link #cniVerdict()}: a stand-in for a CNI's TC program, as Cilium's are, returning TC_ACT_OK (TCX_PASS),
 *       which lets the packet through and ends processing on the hook, so nothing attached behind it runs. Tests
 *       attach it as a TCX link or as a legacy clsact filter at a handle and priority of their choosing.</li>
 * </ul>
 */
public final class ReturnProgram implements AutoCloseable {

  private static final int BPF_PROG_TYPE_SCHED_CLS = 3;
  /** TCX_NEXT: go on with the next program, or the kernel's default. */
  public static final int TC_ACT_UNSPEC = -1;
  /** TCX_PASS: let the packet through, ending processing on the hook. */
  public static final int TC_ACT_OK = 0;
  // struct bpf_insn {u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, little-endian
  private static final long MOV64_IMM_R0 = 0xb7L;
  private static final long EXIT = 0x95L;
  private static final int BPF_TC_INGRESS = 1;
  private static final int BPF_TC_EGRESS = 2;
  private static final int BPF_TC_F_REPLACE = 1;
  private static final MethodHandle PROG_LOAD = Libbpf.LINKER.downcallHandle(
      SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()).find("bpf_prog_load").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

  private final int fd;
  private final int id;
  private final String name;

  private ReturnProgram(int fd, String name) {
    this.fd = fd;
    this.id = BpfSyscall.programInfo(fd).id();
    this.name = name;
  }

  /** "flowtel_pass", returning {@link #TC_ACT_UNSPEC}: the hook's own cost. */
  public static ReturnProgram pass() {
    return load("flowtel_pass", TC_ACT_UNSPEC);
  }

  /** "cni_pass", returning {@link #TC_ACT_OK}: a CNI's program that ends processing on the hook. */
  public static ReturnProgram cniVerdict() {
    return load("cni_pass", TC_ACT_OK);
  }

  /** Loads {@code r0 = returnValue; exit} as a TC program named {@code name}; throws with errno when the kernel refuses. */
  public static ReturnProgram load(String name, int returnValue) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment insns = arena.allocate(16, 8);
      insns.set(ValueLayout.JAVA_LONG, 0, MOV64_IMM_R0 | ((returnValue & 0xFFFFFFFFL) << 32));
      insns.set(ValueLayout.JAVA_LONG, 8, EXIT);
      int fd = (int) PROG_LOAD.invokeExact(BPF_PROG_TYPE_SCHED_CLS, arena.allocateFrom(name), arena.allocateFrom("GPL"),
          insns, 2L, MemorySegment.NULL);
      return new ReturnProgram(Libbpf.check(fd, "bpf_prog_load", "the two-instruction program returning " + returnValue), name);
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
    return "prog " + id + " " + name;
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
