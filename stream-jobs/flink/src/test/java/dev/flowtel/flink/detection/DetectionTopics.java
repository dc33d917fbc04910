package dev.flowtel.flink.detection;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.EpisodeSpec;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** The four topics of a detection IT on the real broker, named for one run, and a simulation loaded onto them. */
record DetectionTopics(String bootstrap, String run, String flows, String state, String anomalies, String dlq) {

  static DetectionTopics create(String bootstrap, String prefix) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    DetectionTopics topics = new DetectionTopics(bootstrap, run, prefix + ".flows." + run, prefix + ".cluster-state." + run,
        prefix + ".anomalies." + run, prefix + ".dlq." + run);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      // Simulated event times lie in the past: keep them.
      NewTopics.create(admin, List.of(new NewTopic(topics.flows, 2, (short) 1).configs(Map.of("retention.ms", "-1")),
          new NewTopic(topics.state, 1, (short) 1).configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
          new NewTopic(topics.anomalies, 1, (short) 1), new NewTopic(topics.dlq, 1, (short) 1)));
    }
    return topics;
  }

  /** 14 minutes at 150 flows/s: a port scan at minute 8 and a policy violation at minute 10, after 5 minutes of learning. */
  static ClusterSimulator portScanThenViolation(long seed) {
    return ClusterSimulator.of(SimulatorSettings.defaults().withSeed(seed).withFlowsPerSecond(150)
        .withDuration(Duration.ofMinutes(14)).withEpisodesPerType(0).withEpisodes(List.of(
            new EpisodeSpec(EpisodeType.PORT_SCAN, Duration.ofMinutes(8), Duration.ofMinutes(1), null),
            new EpisodeSpec(EpisodeType.POLICY_VIOLATION, Duration.ofMinutes(10), Duration.ofMinutes(1), null))));
  }

  /** A flow of a simulation as the collector sends it (keyed by edge, on its key's partition), and when it ended. */
  record KeyedFlow(ProducerRecord<byte[], byte[]> record, long flowEndMillis) {}

  /**
   * The simulation's cluster state, then {@code before} on flows partition 0, then its flows keyed
   * by edge over both partitions, as the collector keys them; returns the number of flows sent.
   */
  long load(ClusterSimulator sim, byte[]... before) {
    loadClusterState(sim);
    List<KeyedFlow> flows = flows(sim);
    try (var producer = InputProducer.create(bootstrap)) {
      for (byte[] value : before) {
        producer.send(new ProducerRecord<>(this.flows, 0, null, value));
      }
      flows.forEach(flow -> producer.send(flow.record()));
    }
    return flows.size();
  }

  void loadClusterState(ClusterSimulator sim) {
    WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);
    try (var producer = InputProducer.create(bootstrap)) {
      for (ClusterStateRecord r : sim.clusterState()) {
        producer.send(new ProducerRecord<>(state, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8),
            stateCodec.encode(r.value())));
      }
    }
  }

  /** The simulation's flows in delivery order, for the flows topic. */
  List<KeyedFlow> flows(ClusterSimulator sim) {
    WireCodec<FlowEvent> flowCodec = WireCodec.of(RecordType.FLOW_EVENT);
    List<KeyedFlow> flows = new ArrayList<>();
    sim.run((flow, edgeKey, label) -> flows.add(new KeyedFlow(new ProducerRecord<>(this.flows,
        Math.floorMod(edgeKey.hashCode(), 2), null, edgeKey.getBytes(StandardCharsets.UTF_8), flowCodec.encode(flow)),
        flow.getFlowEnd().toEpochMilli())));
    return flows;
  }

  void send(List<KeyedFlow> flows) {
    try (var producer = InputProducer.create(bootstrap)) {
      flows.forEach(flow -> producer.send(flow.record()));
    }
  }

  /** The offsets of each flows partition once {@code flows} (from a new topic's start) are on it. */
  Map<TopicPartition, Long> flowsEnds(List<KeyedFlow> flows) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < 2; p++) {
      ends.put(new TopicPartition(this.flows, p), 0L);
    }
    flows.forEach(flow -> ends.merge(new TopicPartition(this.flows, flow.record().partition()), 1L, Long::sum));
    return ends;
  }
}
