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

  static String hint(int errno) {
    return switch (Math.abs(errno)) {
      case EPERM, EACCES -> "; the collector needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or root)";
      case ENODEV -> "; the interface is gone (a pod went away?)";
      default -> "";
    };
  }
}
