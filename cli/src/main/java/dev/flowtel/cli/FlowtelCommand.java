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
        ConsoleCommand.class,
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
    // One logging configuration for the whole JVM. By default Log4j keeps one per class loader, and
    // a library thread with a class loader of its own (Flink's) would log to stderr by log4j2.xml,
    // into up's live view, instead of where up routes the rest (PipelineLog).
    System.setProperty("log4j2.contextSelector", "org.apache.logging.log4j.core.selector.BasicContextSelector");
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code: 2 for a command that does not exist. */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new FlowtelCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setUsageHelpAutoWidth(true);
    // The latency benchmark measures the local pipeline as `up` assembles it, which lives here,
    // above the bench module.
    cli.getSubcommands().get("bench").addSubcommand("latency", new LatencyBench());
    // So does policy what-if, which its benchmark runs as a user does.
    cli.getSubcommands().get("bench").addSubcommand("what-if", new PolicyWhatIfBench());
    // picocli skips its checks of unmatched arguments when a help option is given, so
    // `flowtel nosuchcommand --help` would print the top-level help and succeed.
    if (args.length > 0 && !args[0].startsWith("-") && !cli.getSubcommands().containsKey(args[0])) {
      cli.getErr().println("flowtel: unknown command '" + args[0] + "'; the commands are: "
          + String.join(", ", cli.getSubcommands().keySet()) + " (flowtel --help says what each does)");
      return CommandLine.ExitCode.USAGE;
    }
    return cli.execute(args);
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
