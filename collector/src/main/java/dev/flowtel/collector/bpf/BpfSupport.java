package dev.flowtel.collector.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Whether this process may use eBPF at all, asked the way that cannot mislead: create a map. */
public final class BpfSupport {

  private static final int BPF_MAP_TYPE_ARRAY = 2;

  private BpfSupport() {}

  /**
   * Null when a map could be created; otherwise why not (EPERM: missing CAP_BPF, or a seccomp
   * profile / unprivileged container; other errors: libbpf or the kernel is missing).
   */
  public static String unavailableReason() {
    try (Arena arena = Arena.ofConfined()) {
      int fd = (int) Libbpf.MAP_CREATE.invokeExact(BPF_MAP_TYPE_ARRAY, arena.allocateFrom("flowtel_probe"), 4, 4, 1, MemorySegment.NULL);
      if (fd < 0) {
        return "bpf_map_create failed: " + Errno.describe(-fd)
            + (-fd == Errno.EPERM ? " - eBPF is not permitted here: creating maps needs CAP_BPF, and in a container a seccomp"
                + " profile that allows bpf(2) (Kubernetes' default, Unconfined, does; podman's default profile refuses it"
                + " even with CAP_BPF); kernels before 5.11 also need CAP_SYS_RESOURCE (RLIMIT_MEMLOCK)" : "");
      }
      Libbpf.closeFd(fd);
      return null;
    } catch (BpfException e) {
      return e.getMessage();
    } catch (Throwable t) {
      return "cannot call libbpf: " + t;
    }
  }

  public static int possibleCpus() {
    return Libbpf.numPossibleCpus();
  }
}
