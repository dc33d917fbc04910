package dev.flowtel.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The unprivileged system user that servers refusing root (Elasticsearch) run as, when Flowtel runs as root. */
final class ServiceUser {

  private static final Logger log = LoggerFactory.getLogger(ServiceUser.class);

  private ServiceUser() {}

  static synchronized void ensureExists(String user) {
    if (run(List.of("id", "-u", user)) == 0) {
      return;
    }
    int rc = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
    if (rc != 0 && run(List.of("id", "-u", user)) != 0) {
      throw new IllegalStateException("cannot create the system user " + user + " (useradd exit " + rc + ");"
          + " Elasticsearch refuses to run as root: create the user, or run Flowtel as a non-root user");
    }
    log.info("created system user {} to run Elasticsearch (it refuses to run as root)", user);
  }

  /**
   * {@code wanted} when the user can reach it; otherwise (a repository under /root, say) a folder
   * under /var/tmp named after it, so the server still runs, and the log says where.
   */
  static Path usableDirectory(String user, Path wanted) {
    ensureExists(user);
    Path absolute = wanted.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      giveTree(user, absolute);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (run(List.of("runuser", "-u", user, "--", "test", "-w", absolute.toString())) == 0) {
      return absolute;
    }
    String hash = Integer.toHexString(absolute.toString().hashCode());
    Path fallback = Path.of("/var/tmp", "flowtel-es-" + hash);
    log.warn("{} cannot reach {} (a parent folder is private); Elasticsearch keeps its files in {} instead", user, absolute, fallback);
    try {
      Files.createDirectories(fallback);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fallback;
  }

  static void giveTree(String user, Path dir) {
    int rc = run(List.of("chown", "-R", user + ":" + user, dir.toString()));
    if (rc != 0) {
      throw new IllegalStateException("cannot give " + dir + " to " + user + " (chown exit " + rc + ")");
    }
  }

  private static int run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
