package dev.flowtel.collector.bpf;

/**
 * A libbpf or bpf(2) call failed. The message names the call, what it was applied to (program,
 * map, interface) and the errno with its text, plus what to do when the cause is a usual one.
 */
public final class BpfException extends RuntimeException {

  private final int errno;

  public BpfException(String call, String subject, int errno) {
    super(call + " on " + subject + " failed: " + Errno.describe(errno) + Errno.hint(call, errno));
    this.errno = errno;
  }

  public BpfException(String message) {
    super(message);
    this.errno = 0;
  }

  /** The positive errno, or 0 when the failure had none. */
  public int errno() {
    return errno;
  }
}
