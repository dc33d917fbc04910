package dev.flowtel.clusterstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.MockKubernetesApi;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.AvroClassTrust;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Given the real broker with a compacted cluster-state topic and a cluster in the mock API server,
 * when a publisher runs through policy create, update and delete and a namespace relabel, stops,
 * and a policy is deleted before the next publisher starts, then the topic holds exactly these
 * records in order per key, the last one the resync's tombstone for the policy deleted meanwhile.
 */
@WithKafka
@Timeout(180)
class ClusterStatePublisherIT {

  /** Waits for a state; the limit is a safety net for a busy machine, not a condition. */
  private static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60));
  }

  @RegisterExtension
  static final MockKubernetesApi api = new MockKubernetesApi();
  static final KubernetesClient client = api.client();

  @BeforeAll
  static void trust() {
    AvroClassTrust.install();
  }

  @Test
  void changesReachTheTopicInOrderAndTheResyncTombstonesWhatWasDeletedWhileDown(KafkaFixture kafka) throws Exception {
    String topic = "it.cluster-state." + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      NewTopics.create(admin, List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
    }
    client.resource(ClusterStatePublisherTest.namespace("shop", Map.of("team", "a"))).create();
    client.resource(ClusterStatePublisherTest.allowFrontend("shop", "allow-web", 8080)).create();

    AtomicReference<Exception> failure = new AtomicReference<>();
    ClusterStatePublisherConfig config = ClusterStatePublisherConfig.parse("--bootstrap-servers", kafka.bootstrapServers(),
        "--topic", topic, "--leader-election=false");
    try (KafkaClusterStateSink sink = new KafkaClusterStateSink(topic, config.kafkaSettings(), Duration.ofSeconds(30),
        failure::set)) {
      ClusterStatePublisher first = new ClusterStatePublisher(client, sink, Clock.systemUTC(), Duration.ofSeconds(20));
      first.start();
      client.resource(ClusterStatePublisherTest.allowFrontend("shop", "deny-all", 1)).create();
      await().until(() -> first.records() == 3);
      client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web")
          .edit(p -> ClusterStatePublisherTest.allowFrontend("shop", "allow-web", 9090));
      await().until(() -> first.records() == 4);
      client.network().v1().networkPolicies().inNamespace("shop").withName("deny-all").delete();
      await().until(() -> first.tombstones() == 1);
      client.namespaces().withName("shop").edit(n -> ClusterStatePublisherTest.namespace("shop", Map.of("team", "b")));
      await().until(() -> first.records() == 5);
      first.close();
    }
    api.awaitWatchesClosed();

    client.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();

    try (KafkaClusterStateSink sink = new KafkaClusterStateSink(topic, config.kafkaSettings(), Duration.ofSeconds(30),
        failure::set)) {
      ClusterStatePublisher second = new ClusterStatePublisher(client, sink, Clock.systemUTC(), Duration.ofSeconds(20));
      second.start();
      assertThat(second.records()).isEqualTo(1);
      assertThat(second.tombstones()).isEqualTo(1);
      second.close();
    }
    assertThat(failure.get()).isNull();

    Map<String, List<String>> byKey = readByKey(kafka.bootstrapServers(), topic);
    assertThat(byKey).containsOnlyKeys("Namespace/shop", "NetworkPolicy/shop/allow-web", "NetworkPolicy/shop/deny-all");
    assertThat(byKey.get("Namespace/shop")).containsExactly(
        "namespace shop {team=a}", "namespace shop {team=b}", "namespace shop {team=b}");
    assertThat(byKey.get("NetworkPolicy/shop/allow-web")).containsExactly(
        "policy shop/allow-web selects {app=web} types [Ingress] ingress 1 ports [TCP/8080] egress -",
        "policy shop/allow-web selects {app=web} types [Ingress] ingress 1 ports [TCP/9090] egress -",
        "tombstone");
    assertThat(byKey.get("NetworkPolicy/shop/deny-all")).containsExactly(
        "policy shop/deny-all selects {app=web} types [Ingress] ingress 1 ports [TCP/1] egress -",
        "tombstone");
  }

  /** Every record of {@code topic}, decoded and summarised, in offset order per key. */
  private static Map<String, List<String>> readByKey(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      for (ConsumerRecord<String, byte[]> r : all) {
        String summary = ClusterStateSummary.of(r.value() == null ? null : codec.decode(r.value()).orElseThrow());
        byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(summary);
      }
    }
    return byKey;
  }
}
