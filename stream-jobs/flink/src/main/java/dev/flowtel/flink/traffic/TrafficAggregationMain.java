package dev.flowtel.flink.traffic;

import dev.flowtel.flink.kafka.FlowtelKafka;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/** Entry point on a Flink cluster: {@code flink run -c dev.flowtel.flink.traffic.TrafficAggregationMain flowtel-flink-job.jar --help}. */
public final class TrafficAggregationMain {

  public static final String JOB_NAME = "flowtel-traffic-aggregation";

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
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    build(config).configure(env);
    build(config).attachTo(env);
    env.execute(JOB_NAME);
  }

  /** The job wired to Kafka as configured. */
  public static TrafficAggregationJob build(TrafficAggregationConfig config) {
    Properties client = config.kafkaClientProperties();
    return new TrafficAggregationJob(config,
        FlowtelKafka.flowSource(client, config.flowsTopic(), config.groupId(), config.startingOffsets(), config.bounded()),
        FlowtelKafka.trafficSink(client, config.trafficTopic(), config.exactlyOnce(), config.transactionTimeout(),
            config.groupId() + "-traffic"),
        FlowtelKafka.deadLetterSink(client, config.deadLetterTopic(), config.exactlyOnce(), config.transactionTimeout(),
            config.groupId() + "-dlq"));
  }
}
