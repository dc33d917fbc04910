package dev.flowtel.flink.detection;

import picocli.CommandLine;

/**
 * Entry point on a Flink cluster: {@code flink run -c dev.flowtel.flink.detection.PolicyAnomalyMain
 * flowtel-flink-job.jar [options]}. Touches no Flink class itself, so {@code --help} works without Flink.
 */
public final class PolicyAnomalyMain {

  private PolicyAnomalyMain() {}

  public static void main(String[] args) throws Exception {
    PolicyAnomalyConfig config = new PolicyAnomalyConfig();
    CommandLine commandLine = new CommandLine(config);
    try {
      commandLine.parseArgs(args);
      config.detectionConfig();
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
    PolicyAnomalyJob.runOnKafka(config);
  }
}
