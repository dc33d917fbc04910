package dev.flowtel.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.core.edge.ObservationPoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.sink.elasticsearch.document.DocumentFields;
import dev.flowtel.sink.elasticsearch.document.FlowDocuments;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RawFlowDocumentsTest {

  @Test
  void namesEdgesAsTrafficDocumentsDo() {
    assertThat(RawFlowDocuments.edgeName("shop/Deployment/web>shop/Service/api:8080/6"))
        .isEqualTo("shop/Deployment/web -> shop/Service/api tcp/8080");
    assertThat(RawFlowDocuments.edgeName("lab/Deployment/probe>shop/Deployment/api:*/6"))
        .isEqualTo("lab/Deployment/probe -> shop/Deployment/api tcp/*");
    assertThat(RawFlowDocuments.edgeName("shop/Deployment/web>-/External/PUBLIC:443/6"))
        .isEqualTo("shop/Deployment/web -> External/PUBLIC tcp/443");
  }

  /** A simulated cluster with every anomaly episode, so scans (folded edges), ICMP and external peers are among the flows. */
  @Test
  void everyFieldOfEveryRawDocumentIsMappedAndTheCountedFlagIsTheObservationPointRule() {
    List<LabeledFlow> flows = ClusterSimulator.of(SimulatorSettings.defaults().withNamespaces(3).withNodes(3).withPodsPerWorkload(2)
        .withFlowsPerSecond(300).withDuration(Duration.ofMinutes(6)).withEpisodeDuration(Duration.ofSeconds(30))).generate(200_000);
    JsonNode mappings = RawFlowDocuments.mappings();
    RawFlowDocuments documents = new RawFlowDocuments();
    Set<String> unmapped = new HashSet<>();
    Set<String> edges = new HashSet<>();
    for (LabeledFlow labeled : flows) {
      FlowEvent flow = labeled.flow();
      Map<String, Object> source = documents.source(flow);
      for (String field : DocumentFields.leafNames(source, FlowDocuments.FLATTENED_FIELDS)) {
        if (mapping(mappings, field).isMissingNode()) {
          unmapped.add(field);
        }
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> flowtel = (Map<String, Object>) source.get("flowtel");
      @SuppressWarnings("unchecked")
      Map<String, Object> flowFields = (Map<String, Object>) flowtel.get("flow");
      assertThat(flowFields.get("counted")).isEqualTo(ObservationPoint.counts(flow));
      @SuppressWarnings("unchecked")
      Map<String, Object> edge = (Map<String, Object>) flowtel.get("edge");
      edges.add((String) edge.get("name"));
    }
    assertThat(unmapped).isEmpty();
    assertThat(mappings.path("dynamic").asText()).isEqualTo("strict");
    assertThat(mapping(mappings, RawFlowDocuments.EDGE_FIELD).path("type").asText()).isEqualTo("keyword");
    assertThat(mapping(mappings, RawFlowDocuments.COUNTED_FIELD).path("type").asText()).isEqualTo("boolean");
    assertThat(edges).anyMatch(name -> name.endsWith(" tcp/*"));
  }

  private static JsonNode mapping(JsonNode mappings, String field) {
    JsonNode node = mappings;
    for (String part : field.split("\\.")) {
      node = node.path("properties").path(part);
    }
    return node;
  }
}
