package dev.flowtel.cli;

import dev.flowtel.wire.SchemaEvolution;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./flowtel dev ...}: chores of Flowtel's own developers. */
@Command(name = "dev", mixinStandardHelpOptions = true, description = "Chores for Flowtel's developers.",
    subcommands = DevCommand.PublishSchemas.class)
final class DevCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Publishes changed Avro schemas as new versions, after checking they are compatible with every published one. */
  @Command(name = "publish-schemas", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = {"Checks every Avro schema in schemas/src/main/avro against its published versions and",
          "writes each changed, compatible one as the next version file. Exit 1 when one is incompatible."})
  static final class PublishSchemas implements Callable<Integer> {

    @Option(names = "--resources", defaultValue = "${env:FLOWTEL_ROOT:-.}/schemas/src/main/resources",
        description = "The schemas module's resources folder, where published versions live.")
    Path resources;

    @Override
    public Integer call() throws IOException {
      return SchemaEvolution.checkAndPublish(resources, System.out) ? 0 : 1;
    }
  }
}
