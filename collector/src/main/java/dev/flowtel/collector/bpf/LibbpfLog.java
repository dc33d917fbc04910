package dev.flowtel.collector.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends libbpf's messages (verifier logs, netlink errors) to SLF4J instead of stderr. The netlink
 * "Kernel error message" lines that accompany an expected failure (no clsact qdisc yet, no
 * filter of ours) go to debug: the failing call itself is reported by a {@link BpfException}.
 */
public final class LibbpfLog {

  private static final Logger LOG = LoggerFactory.getLogger("libbpf");
  private static final MethodHandle VSNPRINTF = Libbpf.LINKER.downcallHandle(
      Libbpf.LINKER.defaultLookup().find("vsnprintf").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
  private static final int LIBBPF_WARN = 0;
  private static final int LIBBPF_INFO = 1;
  private static volatile boolean installed;

  private LibbpfLog() {}

  /** Installs the bridge once per JVM. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    try {
      MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
          MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
      MemorySegment stub = Libbpf.LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
      MemorySegment ignored = (MemorySegment) Libbpf.SET_PRINT.invokeExact(stub);
      installed = true;
    } catch (Throwable t) {
      LOG.warn("libbpf messages stay on stderr: {}", t.toString());
    }
  }

  @SuppressWarnings("unused") // called by libbpf; must never throw (an exception here kills the JVM)
  private static int print(int level, MemorySegment format, MemorySegment args) {
    try {
      if (level > LIBBPF_INFO && !LOG.isDebugEnabled()) {
        return 0;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment buffer = arena.allocate(8192);
        int n = (int) VSNPRINTF.invokeExact(buffer, 8192L, format, args);
        if (n < 0) {
          return 0;
        }
        String message = buffer.getString(0).stripTrailing();
        if (level == LIBBPF_WARN && !message.startsWith("libbpf: Kernel error message")) {
          LOG.warn(message);
        } else if (level <= LIBBPF_INFO && !message.startsWith("libbpf: Kernel error message")) {
          LOG.info(message);
        } else {
          LOG.debug(message);
        }
      }
    } catch (Throwable t) {
      // nothing: a log line is not worth the JVM
    }
    return 0;
  }
}
