package dev.flowtel.flink.traffic;

import dev.flowtel.core.config.KafkaClientOptions;
import dev.flowtel.core.config.TrafficWindowOptions;
import dev.flowtel.core.dns.activity.DnsActivityOptions;
import dev.flowtel.flink.config.ElasticsearchOutputOptions;
import dev.flowtel.flink.config.FlinkJobOptions;
import dev.flowtel.flink.config.FlowInputOptions;
import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option of the traffic aggregation job, its default and its meaning, in one place: the
 * job's {@code --help}, the README and the deployment manifests use these names.
 */
@CommandLine.Command(name = "flowtel-traffic-aggregation", mixinStandardHelpOptions = true, showDefaultValues = true,
    sortOptions = false,
    description = {"Aggregates flows from Kafka into ServiceTraffic records, one per service edge per window, and DNS",
        "transactions into DnsActivity records, one per client workload, name and window, written exactly once. Runs on any Flink 2.x cluster: flink run -c " + "dev.flowtel.flink.traffic.TrafficAggregationMain flowtel-flink-job.jar [options]"})
public final class TrafficAggregationConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Mixin
  FlowInputOptions input = new FlowInputOptions("flowtel-traffic-aggregation");

  @Option(names = "--traffic-topic", defaultValue = FlowtelTopics.SERVICE_TRAFFIC, description = "Topic to write ServiceTraffic to.")
  String trafficTopic;

  @Mixin
  ElasticsearchOutputOptions elasticsearch = new ElasticsearchOutputOptions();

  @Mixin
  TrafficWindowOptions windows = new TrafficWindowOptions();

  @Mixin
  DnsActivityOptions dns = new DnsActivityOptions();

  @Mixin
  FlinkJobOptions job = new FlinkJobOptions(Duration.ofSeconds(10));

  /** Parses options; throws picocli's ParameterException (with a usage message) on bad input. */
  public static TrafficAggregationConfig parse(String... args) {
    TrafficAggregationConfig config = new TrafficAggregationConfig();
    new CommandLine(config).parseArgs(args);
    config.job.checkpointInterval();
    config.dns.check();
    return config;
  }

  public Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("pipeline.object-reuse", "true");
    conf.putAll(job.flinkConfiguration());
    return conf;
  }

  public KafkaClientOptions kafka() {
    return kafka;
  }

  public ElasticsearchOutputOptions elasticsearch() {
    return elasticsearch;
  }

  public TrafficWindowOptions windows() {
    return windows;
  }

  public FlinkJobOptions job() {
    return job;
  }

  public FlowInputOptions input() {
    return input;
  }

  /** The DNS activity aggregation beside traffic: on by default (--no-dns-activity turns it off). */
  public DnsActivityOptions dns() {
    return dns;
  }

  public String trafficTopic() {
    return trafficTopic;
  }


}
