package dev.flowtel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./flowtel policy}: Kubernetes NetworkPolicy tools that need no running pipeline. */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Kubernetes NetworkPolicy tools, offline: judge connections against policies from files.",
    subcommands = {PolicyExplainCommand.class})
final class PolicyCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
