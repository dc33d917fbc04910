package dev.flowtel.cli;

import dev.flowtel.localstack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./flowtel down}: stops what a killed {@code ./flowtel up} left running, and with --purge removes its state. */
@Command(name = "down", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Stops local servers left running by an earlier ./flowtel up; --purge also deletes the state folder.")
final class DownCommand implements Callable<Integer> {

  @Option(names = "--state-dir", defaultValue = StateDirectory.DEFAULT,
      description = "The folder ./flowtel up used (env FLOWTEL_STATE_DIR).")
  Path stateDir;

  @Option(names = "--purge", description = "Also delete the state folder: topics, indices and logs.")
  boolean purge;

  @Override
  public Integer call() throws IOException {
    Path state = stateDir.toAbsolutePath().normalize();
    List<String> stopped = LocalStack.stopLeftovers(state);
    stopped.forEach(line -> System.out.println("stopped " + line));
    if (stopped.isEmpty()) {
      System.out.println("nothing was running from " + state);
    }
    StateDirectory.removeEndpoints(state);
    if (purge && Files.exists(state)) {
      try (Stream<Path> all = Files.walk(state)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      System.out.println("removed " + state);
    }
    return 0;
  }
}
