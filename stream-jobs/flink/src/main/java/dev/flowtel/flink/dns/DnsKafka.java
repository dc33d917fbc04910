package dev.flowtel.flink.dns;

import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.schema.DnsActivity;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** The DNS source and the DnsActivity sink of the Flink jobs, with the flows source's settings. */
public final class DnsKafka {

  /** How often an unbounded job looks for the DNS topic's partitions (and for the topic, until it exists). */
  static final Duration PARTITION_DISCOVERY = Duration.ofMinutes(1);

  private DnsKafka() {}

  /**
   * flowtel.dns.v1 as the flows topic is read (the same consumer settings, read-committed, the job's
   * starting offsets, bounded when the job is), subscribed by an exact pattern rather than by name:
   * a job started before any collector published DNS (or beside collectors run with --no-dns) has no
   * DNS topic to read, and a named subscription would fail the whole job on it; this way it reads
   * nothing until the topic appears, and finds it within {@link #PARTITION_DISCOVERY}.
   */
  public static KafkaSource<DnsInput> source(Properties client, String topic, String groupId, String startingOffsets,
      boolean bounded, String producer) {
    KafkaSourceBuilder<DnsInput> builder = KafkaSource.<DnsInput>builder()
        .setProperties(FlowtelKafka.flowConsumerProperties(client))
        .setBootstrapServers(client.getProperty("bootstrap.servers"))
        .setTopicPattern(Pattern.compile(Pattern.quote(topic)))
        .setGroupId(groupId)
        .setProperty("isolation.level", "read_committed")
        .setProperty("partition.discovery.interval.ms", Long.toString(PARTITION_DISCOVERY.toMillis()))
        .setStartingOffsets(FlowtelKafka.startingOffsets(startingOffsets))
        .setDeserializer(new DnsKafkaDeserializer(producer));
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  public static KafkaSink<DnsActivity> activitySink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return FlowtelKafka.sink(client, new DnsActivityRecordSerializer(topic), exactlyOnce, transactionTimeout,
        transactionalIdPrefix);
  }
}
