package dev.flowtel.collector.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into {@code libbpf.so.1} (1.1 or newer, present on a fresh Debian 12) and the few libc
 * calls the capture needs. Int-returning libbpf calls give {@code -errno}; pointer-returning ones
 * give NULL and leave errno set, which these handles capture. Callers wrap failures in
 * {@link BpfException} with the call and its subject.
 */
final class Libbpf {

  static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBBPF = loadLibbpf();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  // bpf_object
  static final MethodHandle OBJECT_OPEN_MEM = errnoCall("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  static final MethodHandle OBJECT_LOAD = call("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle OBJECT_CLOSE = call("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
  static final MethodHandle FIND_PROGRAM = call("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle PROGRAM_FD = call("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle PROGRAM_SET_AUTOLOAD = call("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
  static final MethodHandle FIND_MAP = call("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle NEXT_MAP = call("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle MAP_NAME = call("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
  static final MethodHandle MAP_FD = call("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle MAP_SET_INITIAL_VALUE = call("bpf_map__set_initial_value", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  static final MethodHandle MAP_SET_MAX_ENTRIES = call("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  // maps by fd
  static final MethodHandle MAP_CREATE = call("bpf_map_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle MAP_LOOKUP = call("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle MAP_UPDATE = call("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  static final MethodHandle MAP_DELETE = call("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle MAP_GET_NEXT_KEY = call("bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle MAP_LOOKUP_AND_DELETE_BATCH = call("bpf_map_lookup_and_delete_batch",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  // tc and links
  static final MethodHandle TC_HOOK_CREATE = call("bpf_tc_hook_create", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle TC_HOOK_DESTROY = call("bpf_tc_hook_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle TC_ATTACH = call("bpf_tc_attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle TC_DETACH = call("bpf_tc_detach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle TC_QUERY = call("bpf_tc_query", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle LINK_CREATE = call("bpf_link_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle RAW_TP_OPEN = call("bpf_raw_tracepoint_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  // ring buffer
  static final MethodHandle RING_BUFFER_NEW = errnoCall("ring_buffer__new", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
  static final MethodHandle RING_BUFFER_POLL = call("ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle RING_BUFFER_CONSUME = call("ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle RING_BUFFER_FREE = call("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));
  // test run, misc
  static final MethodHandle PROG_TEST_RUN = call("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  static final MethodHandle SET_PRINT = call("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
  static final MethodHandle NUM_POSSIBLE_CPUS = call("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
  static final MethodHandle BTF_LOAD_VMLINUX = errnoCall("btf__load_vmlinux_btf", FunctionDescriptor.of(ADDRESS));
  static final MethodHandle BTF_FIND_BY_NAME_KIND = call("btf__find_by_name_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle BTF_TYPE_BY_ID = call("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle BTF_NAME_BY_OFFSET = call("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle BTF_FREE = call("btf__free", FunctionDescriptor.ofVoid(ADDRESS));
  // libc
  static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
  static final MethodHandle SETNS = LINKER.downcallHandle(LIBC.find("setns").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
  static final MethodHandle IF_NAMETOINDEX = LINKER.downcallHandle(LIBC.find("if_nametoindex").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, ADDRESS));
  /**
   * {@code long syscall(long number, ...)}, for the bpf(2) commands libbpf 1.1 cannot express (TCX
   * at the head of the chain, the TCX chain query): every argument is passed as a long, which is
   * what the variadic call reads.
   */
  static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
  // rtnetlink, to list the tc filters on a hook
  static final MethodHandle SOCKET = LINKER.downcallHandle(LIBC.find("socket").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
  static final MethodHandle SEND = LINKER.downcallHandle(LIBC.find("send").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
  static final MethodHandle RECV = LINKER.downcallHandle(LIBC.find("recv").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);

  private Libbpf() {}

  private static SymbolLookup loadLibbpf() {
    try {
      return SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
    } catch (IllegalArgumentException e) {
      throw new BpfException("cannot load libbpf.so.1: install the libbpf1 package (Debian/Ubuntu) or libbpf (Fedora); " + e.getMessage());
    }
  }

  private static MethodHandle call(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor);
  }

  private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
  }

  private static MemorySegment symbol(String name) {
    return LIBBPF.find(name).orElseThrow(() -> new BpfException("libbpf.so.1 has no " + name + ": libbpf 1.1 or newer is needed"));
  }

  static int errno(MemorySegment captureState) {
    return (int) ERRNO.get(captureState, 0L);
  }

  /** Turns a -errno return into a {@link BpfException}; returns non-negative results unchanged. */
  static int check(int result, String call, String subject) {
    if (result < 0) {
      throw new BpfException(call, subject, -result);
    }
    return result;
  }

  static String string(MemorySegment cString) {
    return cString.equals(MemorySegment.NULL) ? null : cString.reinterpret(4096).getString(0);
  }

  static int numPossibleCpus() {
    try {
      return check((int) NUM_POSSIBLE_CPUS.invokeExact(), "libbpf_num_possible_cpus", "this machine");
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static void closeFd(int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
