package dev.flowtel.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Elasticsearch distribution unpacked once per machine into a shared, world-readable cache
 * (so the non-root service user can read it wherever the repository lives), reused by every test
 * JVM and local run. The cache is {@code /var/tmp/flowtel-dist} unless {@code FLOWTEL_DIST_DIR}
 * names another folder.
 */
final class ElasticsearchDistribution {

  private ElasticsearchDistribution() {}

  static Path cacheRoot() {
    String configured = System.getenv("FLOWTEL_DIST_DIR");
    return Path.of(configured != null && !configured.isBlank() ? configured : "/var/tmp/flowtel-dist");
  }

  /** The unpacked home of the distribution in {@code zip}, unpacking it first if needed. */
  static Path unpacked(Path zip) {
    String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
    Path root = cacheRoot();
    Path home = root.resolve(name);
    if (Files.exists(home.resolve(".complete"))) {
      return home;
    }
    try {
      Files.createDirectories(root);
      openUp(root);
      // Several test JVMs may start at once: one unpacks, the others wait on the lock.
      try (FileChannel channel = FileChannel.open(root.resolve(name + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        if (Files.exists(home.resolve(".complete"))) {
          return home;
        }
        Path staging = Files.createTempDirectory(root, name + ".unpacking-");
        Path top = unzip(zip, staging);
        deleteTree(home);
        Files.move(top, home, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(staging);
        Files.writeString(home.resolve(".complete"), zip.toString());
      }
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + zip + " into " + root, e);
    }
  }

  /** A JDK for the server: the JDK 17 it was verified with on Debian, else the one running Flowtel. */
  static Path javaHome() {
    for (String candidate : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64")) {
      if (Files.isExecutable(Path.of(candidate, "bin/java"))) {
        return Path.of(candidate);
      }
    }
    return Path.of(System.getProperty("java.home"));
  }

  private static Path unzip(Path zip, Path target) throws IOException {
    Path top = null;
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry escapes the target folder: " + entry.getName());
        }
        if (top == null) {
          top = target.resolve(target.relativize(out).getName(0));
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (top == null) {
      throw new IOException(zip + " is empty");
    }
    // java.util.zip drops Unix modes: everything readable by all, scripts and binaries executable.
    try (Stream<Path> all = Files.walk(top)) {
      for (Path p : all.toList()) {
        boolean executable = Files.isDirectory(p) || p.getParent().getFileName().toString().equals("bin");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return top;
  }

  private static void openUp(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
