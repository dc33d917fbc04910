package dev.flowtel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./flowtel} command: one entry point for every Flowtel program. */
@Command(
    name = "flowtel",
    mixinStandardHelpOptions = true,
    versionProvider = FlowtelCommand.Version.class,
    description = "Streaming analytics for Kubernetes network telemetry.",
    subcommands = {
        UpCommand.class,
        DownCommand.class,
        DevCommand.class,
        PolicyCommand.class,
        EsCommand.class,
        KibanaCommand.class,
        SinkCommand.class,
        SimCommand.class,
        CollectorCommand.class,
        AnomaliesCommand.class,
        dev.flowtel.bench.BenchMain.class,
        CommandLine.HelpCommand.class,
    })
public final class FlowtelCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int exit = new CommandLine(new FlowtelCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setUsageHelpAutoWidth(true)
        .execute(args);
    System.exit(exit);
  }

  /** The version of the build this command came from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FlowtelCommand.class.getPackage().getImplementationVersion();
      return new String[] {"flowtel " + (version == null ? "(development build)" : version)};
    }
  }
}
