package dev.flowtel.flink.detection;

import dev.flowtel.flink.config.JobCommandLine;

/**
 * Entry point on a Flink cluster: {@code flink run -c dev.flowtel.flink.detection.PolicyAnomalyMain
 * flowtel-flink-job.jar [options]}. Touches no Flink class itself, so {@code --help} works without Flink.
 */
public final class PolicyAnomalyMain {

  private PolicyAnomalyMain() {}

  public static void main(String[] args) throws Exception {
    // A lambda, not a method reference: PolicyAnomalyJob (and Flink) load only when the job runs.
    JobCommandLine.run(new PolicyAnomalyConfig(), args, PolicyAnomalyConfig::detectionConfig,
        config -> PolicyAnomalyJob.runOnKafka(config));
  }
}
