package dev.flowtel.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server process started by Flowtel, remembered by a pid file so that {@code ./flowtel down} and
 * the next start can find it even after the starting JVM was killed.
 */
final class ChildProcess {

  private ChildProcess() {}

  static Optional<ProcessHandle> fromPidFile(Path pidFile) {
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      if (text.isEmpty()) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void writePid(Path pidFile, long pid) {
    try {
      Files.createDirectories(pidFile.getParent());
      Files.writeString(pidFile, Long.toString(pid), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; true when the process had to be killed. */
  static boolean terminate(ProcessHandle process, Duration grace) {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return false;
    } catch (Exception e) {
      process.destroyForcibly();
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Nothing more can be done from here; the caller reports the pid.
      }
      return true;
    }
  }

  /** The last lines of a log file, to say why a server did not start. */
  static String tail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log at " + log + ")";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * {@code command} run in a session of its own (setsid(1), where installed). A terminal's Ctrl-C
   * signals its whole foreground process group: servers in the starting JVM's group would die at
   * the same moment as it, while it still reads its summary from them and stops the jobs that
   * write to them. Out of that group, only the starting JVM gets the signal and stops them in order.
   */
  static List<String> inOwnSession(List<String> command) {
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        List<String> detached = new java.util.ArrayList<>(command.size() + 1);
        detached.add(setsid);
        detached.addAll(command);
        return detached;
      }
    }
    return command;
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a local server", e);
    }
  }
}
