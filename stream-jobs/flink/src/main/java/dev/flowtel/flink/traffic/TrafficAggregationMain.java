package dev.flowtel.flink.traffic;

import dev.flowtel.flink.config.JobCommandLine;

/**
 * Entry point on a Flink cluster: {@code flink run -c dev.flowtel.flink.traffic.TrafficAggregationMain
 * flowtel-flink-job.jar [options]}. Touches no Flink class itself, so {@code java -jar
 * flowtel-flink-job.jar --help} works without a Flink installation.
 */
public final class TrafficAggregationMain {

  private TrafficAggregationMain() {}

  public static void main(String[] args) throws Exception {
    // A lambda, not a method reference: TrafficAggregationJob (and Flink) load only when the job runs.
    JobCommandLine.run(new TrafficAggregationConfig(), args, config -> {}, config -> TrafficAggregationJob.runOnKafka(config));
  }
}
