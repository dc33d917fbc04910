package dev.flowtel.core.policy.manifest;

/**
 * Input that is not a valid Kubernetes object, with the file and line to fix:
 * {@code policies/deny.yaml line 14: spec.ingress[0].from[1].ipBlock.cidr "10.0.0.0/33" is not a CIDR}.
 */
public final class ManifestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;

  public ManifestException(String file, int line, String problem) {
    super(file + (line > 0 ? " line " + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  /** 1-based; 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }
}
