package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attaches a TC program to one interface and hook, the way the kernel offers: a TCX link
 * (kernel 6.6+; it goes away with the process, so a killed agent leaves nothing behind) or a
 * legacy clsact filter at our fixed handle and priority (it outlives the process, so the attacher
 * removes our stale ones at start). Both see the packet with its Ethernet header.
 *
 * <p>Other programs share the hook, a CNI's above all, and one that returns a verdict ends
 * processing there: what runs after it never sees the packet. So a TCX link goes to the head of the
 * chain by default, and {@link Attachment#chain()} tells what runs before ours. The kernel runs
 * every TCX program before any legacy filter.
 */
public final class TcHook {

  /** enum bpf_attach_type BPF_TCX_INGRESS / BPF_TCX_EGRESS (uapi 6.6). */
  public static final int BPF_TCX_INGRESS = 46;
  public static final int BPF_TCX_EGRESS = 47;
  /** Handle and priority of our clsact filters: the mark by which we know our own. */
  public static final int FILTER_HANDLE = 0xF10E;
  public static final int FILTER_PRIORITY = 1;

  private static final int BPF_TC_INGRESS = 1;
  private static final int BPF_TC_EGRESS = 2;
  private static final int BPF_TC_F_REPLACE = 1;
  private static final long HOOK_SIZE = 24;
  private static final long OPTS_SIZE = 32;

  /** The TC hook point. */
  public enum Point {
    INGRESS, EGRESS
  }

  /** How a program ended up attached. */
  public enum Mode {
    TCX, CLSACT
  }

  /** One attached program; closing it detaches it. */
  public interface Attachment extends AutoCloseable {
    Mode mode();

    /**
     * What runs on this hook now, in order, and where ours is; asks the kernel each time (other
     * programs come and go). Throws when the kernel cannot be asked, e.g. the interface is gone.
     */
    HookChain chain();

    @Override
    void close();
  }

  private TcHook() {}

  /** Creates a TCX link for {@code programFd} at the head of the chain; throws with errno when the kernel refuses. */
  public static Attachment attachTcx(int programFd, int ifindex, String ifname, Point point) {
    return attachTcx(programFd, ifindex, ifname, point, true);
  }

  /**
   * Creates a TCX link for {@code programFd}, at the head of the hook's chain (before every program
   * there now; one attached later with "before all" still goes ahead of it) or at its tail; throws
   * with errno when the kernel refuses.
   */
  public static Attachment attachTcx(int programFd, int ifindex, String ifname, Point point, boolean atHead) {
    int type = tcxType(point);
    String subject = "interface " + ifname + " (ifindex " + ifindex + ") " + point;
    int programId = BpfSyscall.programInfo(programFd).id();
    int fd = BpfSyscall.tcxLinkCreate(programFd, ifindex, type, atHead, subject);
    return new Attachment() {
      private boolean closed;

      @Override
      public Mode mode() {
        return Mode.TCX;
      }

      @Override
      public HookChain chain() {
        return tcxChain(ifindex, ifname, point, programId);
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          Libbpf.closeFd(fd);
        }
      }
    };
  }

  /** Attaches as a clsact filter at our handle and priority, replacing one left there before. */
  public static Attachment attachClsact(int programFd, int ifindex, String ifname, Point point) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment hook = hook(arena, ifindex, point);
      int rc = (int) Libbpf.TC_HOOK_CREATE.invokeExact(hook);
      if (rc < 0 && rc != -Errno.EEXIST) {
        throw new BpfException("bpf_tc_hook_create(clsact)", "interface " + ifname + " (ifindex " + ifindex + ")", -rc);
      }
      MemorySegment opts = opts(arena, programFd, BPF_TC_F_REPLACE);
      Libbpf.check((int) Libbpf.TC_ATTACH.invokeExact(hook, opts), "bpf_tc_attach(" + point + ")", "interface " + ifname + " (ifindex " + ifindex + ")");
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    return new Attachment() {
      private boolean closed;

      @Override
      public Mode mode() {
        return Mode.CLSACT;
      }

      @Override
      public HookChain chain() {
        return clsactChain(ifindex, ifname, point);
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          detachOurFilter(ifindex, ifname, point);
        }
      }
    };
  }

  /**
   * Removes the filter at our handle and priority on that hook, if any (ours from a killed run).
   * Returns whether there was one; a vanished interface counts as none.
   */
  public static boolean detachOurFilter(int ifindex, String ifname, Point point) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment hook = hook(arena, ifindex, point);
      int rc = (int) Libbpf.TC_DETACH.invokeExact(hook, opts(arena, 0, 0));
      if (rc == -Errno.ENOENT || rc == -Errno.ENODEV || rc == -Errno.EINVAL) {
        return false; // no clsact qdisc, no such filter, or the interface is gone
      }
      Libbpf.check(rc, "bpf_tc_detach(" + point + ")", "interface " + ifname + " (ifindex " + ifindex + ")");
      return true;
    } catch (BpfException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The id of the program in our filter slot on that hook, or 0 when the slot is empty. */
  public static int queryOurFilter(int ifindex, Point point) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment opts = opts(arena, 0, 0);
      int rc = (int) Libbpf.TC_QUERY.invokeExact(hook(arena, ifindex, point), opts);
      return rc < 0 ? 0 : opts.get(ValueLayout.JAVA_INT, 16);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The programs on the TCX hook, in running order, with the one whose id is {@code ourProgramId} marked. */
  public static HookChain tcxChain(int ifindex, String ifname, Point point, int ourProgramId) {
    List<Integer> ids = BpfSyscall.tcxQuery(ifindex, tcxType(point), "interface " + ifname + " (ifindex " + ifindex + ") " + point);
    List<String> members = new ArrayList<>(ids.size());
    for (int id : ids) {
      members.add(describeProgram(id));
    }
    return new HookChain(members, ids.indexOf(ourProgramId));
  }

  /**
   * What runs on the hook up to our clsact filter: every TCX program (the kernel runs them first;
   * none on a kernel without TCX), then the legacy filters in running order. Ours is the filter at
   * our handle and priority.
   */
  public static HookChain clsactChain(int ifindex, String ifname, Point point) {
    List<String> members = new ArrayList<>();
    try {
      for (int id : BpfSyscall.tcxQuery(ifindex, tcxType(point), "interface " + ifname + " (ifindex " + ifindex + ") " + point)) {
        members.add("TCX " + describeProgram(id));
      }
    } catch (BpfException e) {
      if (e.errno() != Errno.EINVAL) {
        throw e; // EINVAL: a kernel without TCX, so nothing runs before the legacy filters
      }
    }
    int ours = -1;
    for (TcFilter filter : TcFilters.list(ifindex, ifname, point)) {
      if (filter.isOurs() && ours < 0) {
        ours = members.size();
      }
      members.add(filter.describe());
    }
    return new HookChain(members, ours);
  }

  /** Names of programs by id: the kernel never renames one, and asking costs a syscall or two. */
  private static final Map<Integer, String> PROGRAM_NAMES = new ConcurrentHashMap<>();

  private static String describeProgram(int id) {
    if (PROGRAM_NAMES.size() > 4096) {
      PROGRAM_NAMES.clear();
    }
    String name = PROGRAM_NAMES.computeIfAbsent(id, i -> {
      String n = BpfSyscall.programName(i);
      return n == null ? "" : n;
    });
    return name.isEmpty() ? "prog " + id : "prog " + id + " " + name;
  }

  private static int tcxType(Point point) {
    return point == Point.INGRESS ? BPF_TCX_INGRESS : BPF_TCX_EGRESS;
  }

  private static MemorySegment hook(Arena arena, int ifindex, Point point) {
    MemorySegment hook = arena.allocate(HOOK_SIZE, 8);
    hook.set(ValueLayout.JAVA_LONG, 0, HOOK_SIZE);
    hook.set(ValueLayout.JAVA_INT, 8, ifindex);
    hook.set(ValueLayout.JAVA_INT, 12, point == Point.INGRESS ? BPF_TC_INGRESS : BPF_TC_EGRESS);
    return hook;
  }

  private static MemorySegment opts(Arena arena, int programFd, int flags) {
    MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
    opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
    opts.set(ValueLayout.JAVA_INT, 8, programFd);
    opts.set(ValueLayout.JAVA_INT, 12, flags);
    opts.set(ValueLayout.JAVA_INT, 20, FILTER_HANDLE);
    opts.set(ValueLayout.JAVA_INT, 24, FILTER_PRIORITY);
    return opts;
  }
}
