package dev.flowtel.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./flowtel bench <name>}: every benchmark of the harness; each prints figures measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks against real local servers (never run by the tests).",
    subcommands = {TrafficBench.class, dev.flowtel.bench.e2e.EndToEndBench.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
