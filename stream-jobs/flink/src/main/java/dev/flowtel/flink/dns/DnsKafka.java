package dev.flowtel.flink.dns;

import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.schema.DnsActivity;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The DNS source and the DnsActivity sink of the Flink jobs, with the flows source's settings. */
public final class DnsKafka {

  private static final Logger LOG = LoggerFactory.getLogger(DnsKafka.class);

  private DnsKafka() {}

  /** flowtel.dns.v1 as the flows topic is read: the same consumer settings, read-committed, starting offsets and bounds. */
  public static KafkaSource<DnsInput> source(Properties client, String topic, String groupId, String startingOffsets,
      boolean bounded, String producer) {
    return FlowtelKafka.flowSource(client, topic, groupId, startingOffsets, bounded ? OffsetsInitializer.latest() : null,
        new DnsKafkaDeserializer(producer));
  }

  public static KafkaSink<DnsActivity> activitySink(Properties client, String topic, boolean exactlyOnce,
      Duration transactionTimeout, String transactionalIdPrefix) {
    return FlowtelKafka.sink(client, new DnsActivityRecordSerializer(topic), exactlyOnce, transactionTimeout,
        transactionalIdPrefix);
  }

  /**
   * Whether the job can read {@code topic}; when it does not exist, says so in the log and the job
   * runs without its DNS part. A Kafka source fails the whole job on a missing topic, and a job may
   * well start before any collector published DNS, or beside collectors run with --no-dns; the topic
   * is declared in deploy/kafka/topics.yaml and created by {@code ./flowtel up}. When Kafka does not
   * answer, the answer is yes, and the source reports what is wrong.
   */
  public static boolean topicExists(Properties client, String topic, String option) {
    Properties admin = new Properties();
    admin.putAll(client);
    admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin kafka = Admin.create(admin)) {
      if (kafka.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return true;
      }
      LOG.warn("DNS topic {} does not exist: the job runs without its DNS part. Create the topic"
          + " (deploy/kafka/topics.yaml) and restart the job, or pass --no-{} to say so.", topic, option);
      return false;
    } catch (Exception e) {
      LOG.warn("Could not list Kafka topics to find the DNS topic {} ({}); reading it anyway", topic, e.toString());
      return true;
    }
  }
}
