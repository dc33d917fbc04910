package dev.flowtel.flink.config;

import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * What every Flink job's {@code main} does with its command line: parse the options into the job's
 * config, print the usage on bad input (exit 2) or when asked, else run the job. Touches no Flink
 * class itself, so {@code java -jar flowtel-flink-job.jar --help} works without a Flink installation.
 */
public final class JobCommandLine {

  /** Runs the job of a parsed and checked config; here the job may touch Flink. */
  @FunctionalInterface
  public interface JobRun<C> {
    void run(C config) throws Exception;
  }

  private JobCommandLine() {}

  /**
   * Parses {@code args} into {@code config}, then {@code check}s it (an IllegalArgumentException
   * naming the option is a usage error too), and runs {@code job} unless help or version was asked.
   */
  public static <C> void run(C config, String[] args, Consumer<C> check, JobRun<C> job) throws Exception {
    CommandLine commandLine = new CommandLine(config);
    try {
      commandLine.parseArgs(args);
      check.accept(config);
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      commandLine.usage(System.err);
      System.exit(2);
    }
    if (commandLine.isUsageHelpRequested()) {
      commandLine.usage(System.out);
      return;
    }
    if (commandLine.isVersionHelpRequested()) {
      commandLine.printVersionHelp(System.out);
      return;
    }
    job.run(config);
  }
}
