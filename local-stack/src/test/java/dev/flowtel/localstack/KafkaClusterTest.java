package dev.flowtel.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What makes a node one of three, checked without starting one. */
class KafkaClusterTest {

  @Test
  void everyTopicTheInternalOnesIncludedIsReplicatedThreeTimesWithMinIsrTwo() {
    Map<String, String> node2 = KafkaCluster.replicatedProperties(2, "1@127.0.0.1:1,2@127.0.0.1:2,3@127.0.0.1:3");

    assertThat(node2).containsEntry("node.id", "2")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:1,2@127.0.0.1:2,3@127.0.0.1:3")
        .containsEntry("default.replication.factor", "3")
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2")
        .containsEntry("unclean.leader.election.enable", "false");
  }

  @Test
  void aClusterHasThreeNodesAndOnePortForEach() {
    Path dir = Path.of("target", "never-started");
    assertThat(KafkaCluster.Settings.in(dir).withPortsFrom(19092).ports()).containsExactly(19092, 19093, 19094);
    assertThatThrownBy(() -> new KafkaCluster.Settings(dir, 2, "384m", List.of(), Map.of()))
        .hasMessageContaining("has 3 nodes");
    assertThatThrownBy(() -> new KafkaCluster.Settings(dir, 3, "384m", List.of(9092), Map.of()))
        .hasMessageContaining("one client port per node");
  }
}
