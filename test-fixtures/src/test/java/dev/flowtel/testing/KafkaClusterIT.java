package dev.flowtel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.localstack.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the three-node cluster, when a transactional producer writes and the leader of the
 * partition it writes to is killed mid-stream, then another node takes the partition over, the
 * producer's every committed record is there once, and the killed node, restarted, is back in every
 * ISR. The topics, the internal ones included, are replicated three times with min ISR 2.
 */
@WithKafkaCluster
@Timeout(300)
class KafkaClusterIT {

  private static final Duration LIMIT = Duration.ofSeconds(120);

  @Test
  void killingALeaderLosesNoCommittedRecordAndItsRestartRejoinsEveryIsr(KafkaCluster cluster) throws Exception {
    String topic = "it.cluster." + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = cluster.admin()) {
      NewTopics.create(admin, List.of(new NewTopic(topic, 2, (short) 3)));
    }
    int leader = cluster.leaderOf(topic, 0);

    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
        "bootstrap.servers", cluster.bootstrapServers(), "transactional.id", topic, "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      sent += writeTransaction(producer, topic, sent, 1_000);

      cluster.kill(leader);
      int newLeader = cluster.awaitNewLeader(topic, 0, leader, LIMIT);
      assertThat(newLeader).isNotEqualTo(leader);
      // One node down: two replicas in sync are what min ISR asks, so writes go on.
      sent += writeTransaction(producer, topic, sent, 1_000);
    }
    cluster.restart(leader);

    assertThat(cluster.underReplicated()).isEmpty();
    assertThat(CommittedRecords.readToEnd(cluster.bootstrapServers(), topic, LIMIT)).hasSize(sent);
    try (Admin admin = cluster.admin()) {
      Map<String, TopicDescription> described = admin.describeTopics(Set.of(topic, "__transaction_state"))
          .allTopicNames().get(30, TimeUnit.SECONDS);
      for (TopicDescription d : described.values()) {
        assertThat(d.partitions()).as(d.name()).allSatisfy(p -> assertThat(p.isr()).hasSize(3));
      }
      assertThat(minInSyncReplicas(admin, "__transaction_state")).isEqualTo("2");
      assertThat(minInSyncReplicas(admin, topic)).isEqualTo("2");
    }
    assertThat(cluster.nodeIds().stream().filter(cluster::isRunning).collect(Collectors.toSet())).containsExactly(1, 2, 3);
  }

  private static int writeTransaction(KafkaProducer<byte[], byte[]> producer, String topic, int from, int count) {
    producer.beginTransaction();
    for (int i = from; i < from + count; i++) {
      producer.send(new ProducerRecord<>(topic, i % 2, null, Integer.toString(i).getBytes()));
    }
    producer.commitTransaction();
    return count;
  }

  private static String minInSyncReplicas(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    return config.get("min.insync.replicas").value();
  }
}
