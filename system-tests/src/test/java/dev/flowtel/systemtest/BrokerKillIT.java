package dev.flowtel.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.publish.FlowPublisher;
import dev.flowtel.flink.kafka.FlowtelKafka;
import dev.flowtel.flink.traffic.TrafficAggregationConfig;
import dev.flowtel.flink.traffic.TrafficAggregationJob;
import dev.flowtel.localstack.KafkaCluster;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.WithKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given the three-node Kafka cluster, the collector's publisher (idempotent, acks=all, with its
 * spool) writing simulator flows to a flows topic replicated three times, and the Flink traffic job
 * (exactly-once, on a MiniCluster) reading it, when the leader of a flows partition is killed with
 * SIGKILL mid-run and restarted once the job has checkpointed past the kill, then every flow handed
 * to the publisher is on the topic once, and the ServiceTraffic windows that a read_committed
 * consumer sees hold each (edge, window) once and sum to exactly the bytes and packets of the flows.
 *
 * <p>Every step waits for a state: the job's first checkpoint covering part of the input (its
 * committed offsets), a new leader elected, every flow acknowledged, the job's progress with the
 * node still down (a later checkpoint, or its end), then the node back in every ISR, then the
 * bounded job's end.
 */
@WithKafkaCluster
@Timeout(420)
class BrokerKillIT {

  private static final int FLOWS = 60_000;
  private static final int PARTITIONS = 2;
  private static final Duration LIMIT = Duration.ofSeconds(180);

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void theLeaderOfAFlowsPartitionKilledMidRunLosesAndDoublesNothing(KafkaCluster cluster) throws Exception {
    String flowsTopic = "it.kill.flows." + run;
    String trafficTopic = "it.kill.traffic." + run;
    String dlqTopic = "it.kill.dlq." + run;
    String group = "it-kill-" + run;
    try (Admin admin = cluster.admin()) {
      // Replication factor and min ISR are the cluster's defaults (3 and 2); window results carry
      // event times from the simulated past, so retention must not delete them.
      NewTopics.create(admin, List.of(flowsTopic, trafficTopic, dlqTopic).stream()
          .map(name -> new NewTopic(name, PARTITIONS, (short) 3).configs(Map.of("retention.ms", "-1"))).toList());
    }
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withSeed(16)).generate(FLOWS);
    Map<TopicPartition, Long> ends = PublishedFlows.endOffsets(flowsTopic, flows, PARTITIONS);

    // The job stops at the input's end offsets, so it reads while the flows are still coming.
    TrafficAggregationConfig config = TrafficAggregationConfig.parse("--bootstrap-servers", cluster.bootstrapServers(),
        "--flows-topic", flowsTopic, "--traffic-topic", trafficTopic, "--dlq-topic", dlqTopic, "--group-id", group,
        "--starting-offsets", "earliest", "--rollup", "0", "--idleness", "1h", "--max-out-of-orderness", "10m",
        "--checkpoint-interval", "1s", "--restart-attempts", "5", "--restart-delay", "1s");
    Properties client = config.kafka().properties();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        Configuration.fromMap(config.flinkConfiguration()));
    env.setParallelism(PARTITIONS);
    TrafficAggregationJob job = new TrafficAggregationJob(config,
        FlowtelKafka.flowSource(client, flowsTopic, group, "earliest", OffsetsInitializer.offsets(ends)),
        FlowtelKafka.trafficSink(client, trafficTopic, true, Duration.ofMinutes(5), "it-kill-traffic-" + run),
        FlowtelKafka.deadLetterSink(client, dlqTopic, true, Duration.ofMinutes(5), "it-kill-dlq-" + run));
    job.configure(env);
    job.attachTo(env);
    JobClient running = env.executeAsync("broker kill IT");

    CollectorMetrics metrics = new CollectorMetrics();
    FlowPublisher publisher = PublishedFlows.publisher(cluster, flowsTopic, "it.kill.state." + run, metrics);
    TopicPartition p0 = new TopicPartition(flowsTopic, 0);
    long committedAtKill;
    int killed;
    try {
      PublishedFlows.hand(publisher, flows.subList(0, FLOWS / 2));
      // Mid-run: the job has read part of partition 0 and a checkpoint has committed it.
      await().atMost(LIMIT).until(() -> PublishedFlows.committed(cluster, group).getOrDefault(p0, 0L) > 0);
      committedAtKill = PublishedFlows.committed(cluster, group).get(p0);
      killed = cluster.leaderOf(flowsTopic, 0);
      cluster.kill(killed);
      PublishedFlows.hand(publisher, flows.subList(FLOWS / 2, FLOWS));
      int newLeader = cluster.awaitNewLeader(flowsTopic, 0, killed, LIMIT);
      assertThat(newLeader).isNotEqualTo(killed);
      System.out.printf("[BrokerKillIT] killed node %d, leader of %s-0, with offset %d committed there; node %d leads it now%n",
          killed, flowsTopic, committedAtKill, newLeader);
      await().atMost(LIMIT).until(() -> metrics.publishedCount() >= FLOWS);
    } finally {
      publisher.close();
    }
    // With one node down (two replicas in sync: what min ISR asks), the job goes on: a checkpoint
    // commits offsets past those of the kill, or the job reaches the input's end and finishes (a
    // finished split commits no more offsets, so the end itself is not waited for in them).
    await().atMost(LIMIT).until(() -> running.getJobStatus().get().isTerminalState()
        || PublishedFlows.committed(cluster, group).getOrDefault(p0, 0L) > committedAtKill);
    assertThat(cluster.isRunning(killed)).isFalse();
    System.out.printf("[BrokerKillIT] with node %d down: %d flows published, %d of them through the spool; job %s%n",
        killed, metrics.publishedCount(), metrics.spooledCount(), running.getJobStatus().get());
    cluster.restart(killed);
    running.getJobExecutionResult().get(LIMIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(metrics.lostCount(CollectorMetrics.LOST_HANDOFF)).isZero();
    PublishedFlows.assertArrivedOnce(cluster, flowsTopic, flows);
    CommittedResults.assertConserves(CommittedResults.traffic(cluster, trafficTopic), PublishedFlows.counted(flows));
    assertThat(cluster.underReplicated()).isEmpty();
  }
}
