package dev.flowtel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Containers on a machine without a Docker engine: podman with the runc runtime (crun refuses this
 * kind of VM's hybrid cgroup mounts) and ulimits the container may set (podman's defaults are above
 * them). Images come from {@code deploy/docker/build-images.sh --local}, which needs no registry.
 */
public final class Podman {

  public static final List<String> RUNTIME = List.of("podman", "--runtime", "runc");
  public static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

  private Podman() {}

  /** Null when containers can run here; otherwise the one-line reason a test skips. */
  public static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "rootful podman needs root (the collector's capabilities are granted from the host's)";
    }
    for (String tool : List.of("podman", "runc", "debootstrap")) {
      if (!onPath(tool)) {
        return tool + " is not installed (apt-get install podman runc debootstrap; .ci/run does)";
      }
    }
    return null;
  }

  /** The repository's root (the module runs with its own directory as the working directory). */
  public static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/docker/build-images.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("no deploy/docker/build-images.sh above " + here);
  }

  /**
   * Builds (or reuses, when the local bases are cached) the named images from the jars this build
   * packaged; returns what the script printed, for a failure message.
   */
  public static String buildImages(String... images) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path log = Files.createTempFile(Path.of("target"), "build-images-", ".log");
    Process p = new ProcessBuilder("bash", root.resolve("deploy/docker/build-images.sh").toString(), "--local",
        "--images", String.join(" ", images))
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("build-images.sh failed:\n" + Files.readString(log));
    }
    return Files.readString(log);
  }

  /** Runs podman with {@code args} and returns its output; a non-zero exit is an error. */
  public static String run(List<String> args) throws IOException, InterruptedException {
    Result r = exec(args);
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command(args)) + " exited " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  /** Exit code and output (stdout and stderr) of a finished podman command. */
  public record Result(int exit, String output) {}

  public static Result exec(List<String> args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  public static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(RUNTIME);
    command.addAll(args);
    return command;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
