package dev.flowtel.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.publish.FlowPublisher;
import dev.flowtel.collector.publish.ProducerSettings;
import dev.flowtel.collector.publish.PublisherSettings;
import dev.flowtel.collector.spool.DiskSpool;
import dev.flowtel.collector.spool.SpoolSettings;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.localstack.KafkaCluster;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.testing.CommittedRecords;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * The input side of the broker-kill scenarios: the collector's real publisher (idempotent, acks=all,
 * with its disk spool) writing simulator flows, where each flow lands, what a consumer group has
 * committed, and what the flows add up to once counted, which every output must conserve.
 */
final class PublishedFlows {

  static final Duration LIMIT = Duration.ofSeconds(180);
  /** Flows the test keeps queued in the publisher at most, so that it hands them on at the publisher's pace. */
  private static final int QUEUED = 9_000;

  /** Bytes and packets of flows as traffic aggregation counts them (both directions). */
  record Totals(long bytes, long packets) {}

  private PublishedFlows() {}

  /** A started publisher on the cluster, spooling under {@code target}. */
  static FlowPublisher publisher(KafkaCluster cluster, String flowsTopic, String stateTopic, CollectorMetrics metrics)
      throws IOException {
    Path spool = Files.createTempDirectory(Path.of("target"), "spool-kill-");
    return new FlowPublisher(PublisherSettings.defaults().withTopics(flowsTopic, stateTopic),
        ProducerSettings.forPublisher(KafkaClientProperties.load(cluster.bootstrapServers(), null), "zstd"),
        DiskSpool.open(SpoolSettings.defaults(spool)), metrics).start();
  }

  /** The partition the publisher's producer puts a flow of this edge in: Kafka's partitioner hashes the key (murmur2). */
  static int partitionOf(String edgeKey, int partitions) {
    return Utils.toPositive(Utils.murmur2(edgeKey.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Where the flows end on each partition of {@code topic}, once all are published. */
  static Map<TopicPartition, Long> endOffsets(String topic, List<LabeledFlow> flows, int partitions) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      ends.put(new TopicPartition(topic, p), 0L);
    }
    flows.forEach(f -> ends.merge(new TopicPartition(topic, partitionOf(f.edgeKey(), partitions)), 1L, Long::sum));
    return ends;
  }

  static void hand(FlowPublisher publisher, List<LabeledFlow> flows) {
    for (int i = 0; i < flows.size(); i++) {
      if (i % 500 == 0 && publisher.queued() >= QUEUED) {
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(5)).until(() -> publisher.queued() < QUEUED);
      }
      publisher.flow(flows.get(i).flow(), flows.get(i).edgeKey());
    }
  }

  /** The offsets consumer group {@code group} has committed, per partition. */
  static Map<TopicPartition, Long> committed(KafkaCluster cluster, String group) throws Exception {
    try (Admin admin = cluster.admin()) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
          .entrySet().stream().filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  static Totals counted(List<LabeledFlow> flows) {
    FlowClassifier classifier = new FlowClassifier();
    long bytes = 0;
    long packets = 0;
    for (LabeledFlow f : flows) {
      var counted = classifier.classify(f.flow());
      if (counted.isPresent()) {
        bytes += counted.get().bytes();
        packets += counted.get().packets();
      }
    }
    return new Totals(bytes, packets);
  }

  /** Every flow handed to the publisher is on the topic, once. */
  static void assertArrivedOnce(KafkaCluster cluster, String topic, List<LabeledFlow> flows) {
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    List<ConsumerRecord<byte[], byte[]>> records = CommittedRecords.readToEnd(cluster.bootstrapServers(), topic, LIMIT);
    long bytes = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (codec.decode(r.value()) instanceof DecodeResult.Decoded<FlowEvent> d) {
        bytes += d.record().getBytes();
      }
    }
    assertThat(records).as("flows on the topic").hasSize(flows.size());
    assertThat(bytes).as("bytes of the flows on the topic").isEqualTo(flows.stream().mapToLong(f -> f.flow().getBytes()).sum());
  }
}
