package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** errno numbers this package reacts to, and their text from the C library. */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int E2BIG = 7;
  public static final int EOPNOTSUPP = 95;

  private static final MethodHandle STRERROR = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("strerror").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

  private Errno() {}

  /** "EPERM (Operation not permitted)"-like text for a positive or negative errno. */
  public static String describe(int errno) {
    int e = Math.abs(errno);
    String text;
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(e);
      text = s.reinterpret(256).getString(0);
    } catch (Throwable t) {
      text = "?";
    }
    return "errno " + e + " (" + text + ")";
  }

  /**
   * What to do when the cause is a usual one. A permission error names the capability that the
   * failing call needs, as measured by dropping each one in turn from the DaemonSet's set
   * (CollectorContainerIT): a user who trimmed the manifest learns which one to put back.
   */
  static String hint(String call, int errno) {
    return switch (Math.abs(errno)) {
      case EPERM, EACCES -> "; " + permissionHint(call, Math.abs(errno));
      case ENODEV -> "; the interface is gone (a pod went away?)";
      default -> "";
    };
  }

  private static String permissionHint(String call, int errno) {
    if (call.startsWith("bpf_object__load")) {
      // EPERM comes before the verifier (program type not allowed), EACCES from it.
      return errno == EPERM
          ? "loading traffic-control (SCHED_CLS) programs needs CAP_NET_ADMIN besides CAP_BPF"
          : "the verifier refused the programs: they compare pointers, which it allows only with CAP_PERFMON"
              + " (its log above names the instruction); grant CAP_PERFMON";
    }
    if (call.startsWith("bpf_link_create") || call.startsWith("bpf_tc_")) {
      return "attaching to an interface needs CAP_NET_ADMIN";
    }
    if (call.startsWith("bpf_raw_tracepoint_open")) {
      return "the tracepoints of --drops and --rtt need CAP_PERFMON besides CAP_BPF";
    }
    if (call.startsWith("setns") || call.startsWith("open")) {
      return "entering another network namespace (--netns) needs CAP_SYS_ADMIN";
    }
    return "the collector needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or root)";
  }
}
