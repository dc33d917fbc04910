package dev.flowtel.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The one folder where a local run keeps everything: server data and logs, pid files, and
 * {@code endpoints.properties}, which tells other commands where the running servers are.
 */
final class StateDirectory {

  static final String DEFAULT = "${env:FLOWTEL_STATE_DIR:-.flowtel}";
  private static final String ENDPOINTS = "endpoints.properties";

  private StateDirectory() {}

  static void writeEndpoints(Path state, String bootstrapServers, String elasticsearchUrl) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers);
    p.setProperty("elasticsearch.url", elasticsearchUrl);
    try (Writer out = Files.newBufferedWriter(state.resolve(ENDPOINTS))) {
      p.store(out, "servers of the running ./flowtel up; removed when it stops");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void removeEndpoints(Path state) {
    try {
      Files.deleteIfExists(state.resolve(ENDPOINTS));
    } catch (IOException ignored) {
      // A stale file only means other commands try a server that is gone, and say so.
    }
  }

  /** The servers of a running {@code ./flowtel up}, if one is running from this state folder. */
  static Properties endpoints(Path state) {
    Properties p = new Properties();
    Path file = state.resolve(ENDPOINTS);
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }
}
