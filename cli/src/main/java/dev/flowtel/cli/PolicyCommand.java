package dev.flowtel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./flowtel policy}: Kubernetes NetworkPolicy tools: judging connections from files, and
 * writing or testing policies against the traffic history the pipeline recorded.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = {"Kubernetes NetworkPolicy tools: judge connections against policies from files (explain), and, from the",
        "traffic history in Elasticsearch, write least-privilege policies (recommend) or replay a proposed set (what-if)."},
    subcommands = {PolicyExplainCommand.class, PolicyRecommendCommand.class, PolicyWhatIfCommand.class,
        PolicyStageCommand.class})
final class PolicyCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
