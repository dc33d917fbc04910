package dev.flowtel.collector.bpf;

import java.lang.foreign.MemorySegment;

/** Attaches a loaded tp_btf program (its target is fixed at load) with BPF_RAW_TRACEPOINT_OPEN. */
public final class Tracepoints {

  private Tracepoints() {}

  /** Returns a handle whose close() detaches the program. */
  public static AutoCloseable attach(int programFd, String what) {
    int fd;
    try {
      fd = (int) Libbpf.RAW_TP_OPEN.invokeExact(MemorySegment.NULL, programFd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (fd < 0) {
      throw new BpfException("bpf_raw_tracepoint_open", what, -fd);
    }
    return () -> Libbpf.closeFd(fd);
  }
}
