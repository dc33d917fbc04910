package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The bpf(2) commands that libbpf 1.1 (the one on a fresh Debian 12) cannot express, issued raw:
 * its {@code bpf_link_create_opts} has no TCX fields and it has no TCX chain query (both came in
 * libbpf 1.3). Each call fills the kernel's {@code union bpf_attr} for its command; the rest of the
 * union stays zero, as the kernel demands.
 */
final class BpfSyscall {

  private static final long SYS_BPF = 321; // x86-64
  private static final int BPF_PROG_GET_FD_BY_ID = 13;
  private static final int BPF_OBJ_GET_INFO_BY_FD = 15;
  private static final int BPF_PROG_QUERY = 16;
  private static final int BPF_LINK_CREATE = 28;
  /** Attach before the relative program; with none given, at the head of the chain (uapi 6.6). */
  static final int BPF_F_BEFORE = 1 << 3;
  private static final long ATTR_SIZE = 64;
  /** struct bpf_prog_info up to and including name[16]. */
  private static final int PROG_INFO_SIZE = 80;
  private static final int MAX_CHAIN = 64;

  /** A program's id and name (up to 15 characters, as the kernel keeps it). */
  record ProgramInfo(int id, String name) {}

  private BpfSyscall() {}

  /**
   * Creates a TCX link, at the head of the chain when {@code head} (BPF_F_BEFORE with no relative
   * program), else at its tail. Returns the link's fd.
   */
  static int tcxLinkCreate(int programFd, int ifindex, int attachType, boolean head, String subject) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
      attr.set(ValueLayout.JAVA_INT, 0, programFd);
      attr.set(ValueLayout.JAVA_INT, 4, ifindex); // target_ifindex
      attr.set(ValueLayout.JAVA_INT, 8, attachType);
      attr.set(ValueLayout.JAVA_INT, 12, head ? BPF_F_BEFORE : 0);
      // tcx.relative_fd (16) and tcx.expected_revision (24) stay 0: no relative object, no revision check
      return (int) bpf(arena, BPF_LINK_CREATE, attr, "bpf_link_create(TCX, " + (head ? "head" : "tail") + " of the chain)", subject);
    }
  }

  /** Ids of the programs on a TCX hook, in the order they run. */
  static List<Integer> tcxQuery(int ifindex, int attachType, String subject) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ids = arena.allocate(4L * MAX_CHAIN, 4);
      MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
      attr.set(ValueLayout.JAVA_INT, 0, ifindex); // target_ifindex
      attr.set(ValueLayout.JAVA_INT, 4, attachType);
      attr.set(ValueLayout.JAVA_LONG, 16, ids.address()); // prog_ids
      attr.set(ValueLayout.JAVA_INT, 24, MAX_CHAIN); // count: in, capacity; out, programs on the hook
      bpf(arena, BPF_PROG_QUERY, attr, "bpf_prog_query(TCX)", subject);
      int count = Math.min(attr.get(ValueLayout.JAVA_INT, 24), MAX_CHAIN);
      List<Integer> chain = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        chain.add(ids.getAtIndex(ValueLayout.JAVA_INT, i));
      }
      return List.copyOf(chain);
    }
  }

  /** Id and name of the program behind {@code programFd}. */
  static ProgramInfo programInfo(int programFd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(PROG_INFO_SIZE, 8);
      MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
      attr.set(ValueLayout.JAVA_INT, 0, programFd); // info.bpf_fd
      attr.set(ValueLayout.JAVA_INT, 4, PROG_INFO_SIZE); // info.info_len
      attr.set(ValueLayout.JAVA_LONG, 8, info.address()); // info.info
      bpf(arena, BPF_OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD)", "program fd " + programFd);
      return new ProgramInfo(info.get(ValueLayout.JAVA_INT, 4), info.asSlice(64, 16).getString(0));
    }
  }

  /**
   * The name of program {@code id}, or null when it cannot be read: opening another program by id
   * needs CAP_SYS_ADMIN, which the DaemonSet does not grant, and the program may be gone.
   */
  static String programName(int id) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
      attr.set(ValueLayout.JAVA_INT, 0, id); // prog_id
      int fd = (int) bpf(arena, BPF_PROG_GET_FD_BY_ID, attr, "bpf(BPF_PROG_GET_FD_BY_ID)", "program " + id);
      try {
        return programInfo(fd).name();
      } finally {
        Libbpf.closeFd(fd);
      }
    } catch (BpfException e) {
      return null;
    }
  }

  private static long bpf(Arena arena, int command, MemorySegment attr, String call, String subject) {
    MemorySegment errno = arena.allocate(Libbpf.CAPTURE_LAYOUT);
    long rc;
    try {
      rc = (long) Libbpf.SYSCALL.invokeExact(errno, SYS_BPF, (long) command, attr, ATTR_SIZE);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (rc < 0) {
      throw new BpfException(call, subject, Libbpf.errno(errno));
    }
    return rc;
  }
}
