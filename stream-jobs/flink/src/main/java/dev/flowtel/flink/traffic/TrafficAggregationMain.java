package dev.flowtel.flink.traffic;

import picocli.CommandLine;

/**
 * Entry point on a Flink cluster: {@code flink run -c dev.flowtel.flink.traffic.TrafficAggregationMain
 * flowtel-flink-job.jar [options]}. Touches no Flink class itself, so {@code java -jar
 * flowtel-flink-job.jar --help} works without a Flink installation.
 */
public final class TrafficAggregationMain {

  private TrafficAggregationMain() {}

  public static void main(String[] args) throws Exception {
    TrafficAggregationConfig config = new TrafficAggregationConfig();
    CommandLine commandLine = new CommandLine(config);
    try {
      commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
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
    TrafficAggregationJob.runOnKafka(config);
  }
}
