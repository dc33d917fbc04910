package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.deploy.DeployTree.Manifest;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.FlowtelTopics.TopicLayout;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Strimzi topics are the five the programs use, with the configs the local stack gives them. */
class TopicLayoutTest {

  @Test
  void strimzi_topics_match_the_programs_topic_layouts() {
    Map<String, JsonNode> deployed = DeployTree.resources().stream()
        .filter(manifest -> manifest.kind().equals("KafkaTopic"))
        .collect(Collectors.toMap(Manifest::name, Manifest::tree));
    assertThat(deployed.keySet()).containsExactlyInAnyOrderElementsOf(
        FlowtelTopics.layouts().stream().map(TopicLayout::name).toList());
    for (TopicLayout layout : FlowtelTopics.layouts()) {
      Map<String, String> config = new TreeMap<>();
      deployed.get(layout.name()).path("spec").path("config").properties()
          .forEach(entry -> config.put(entry.getKey(), entry.getValue().asText()));
      // Durability settings depend on the cluster's size, not on what the programs need.
      config.remove("min.insync.replicas");
      assertThat(config).as(layout.name()).isEqualTo(new TreeMap<>(layout.config()));
    }
  }
}
