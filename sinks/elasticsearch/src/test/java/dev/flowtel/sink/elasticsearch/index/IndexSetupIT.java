package dev.flowtel.sink.elasticsearch.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.TreeMap;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.FlowDocuments;
import dev.flowtel.sink.elasticsearch.document.StagedVerdictDocuments;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.sink.elasticsearch.index.SetupReport.Action;
import dev.flowtel.sink.elasticsearch.writer.BulkDocumentWriter;
import dev.flowtel.sink.elasticsearch.writer.Rejection;
import dev.flowtel.sink.elasticsearch.writer.WriterSettings;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a real Elasticsearch 8.19 (the minimal distribution: no ILM), setup installs every
 * template, a second run changes nothing and says so, a changed option is an upgrade, and a
 * document of every kind is accepted by the strict mappings with no field added dynamically.
 */
@WithElasticsearch
@Timeout(180)
class IndexSetupIT {

  private final EsTestSupport es;

  IndexSetupIT(ElasticsearchFixture elasticsearch) {
    es = new EsTestSupport(elasticsearch.url());
  }

  @AfterEach
  void close() {
    es.close();
  }

  @Test
  void aSecondRunChangesNothingAndAChangedOptionUpgrades() {
    SetupReport first = new IndexSetup(es.clients.rest(), es.settings()).install();
    assertThat(first.steps()).filteredOn(s -> s.action() == Action.CREATED).extracting(SetupReport.Step::name)
        .containsExactlyInAnyOrder(es.names.settingsComponentTemplate(), es.names.ecsComponentTemplate(),
            es.names.indexTemplate(Kind.TRAFFIC), es.names.indexTemplate(Kind.ANOMALIES), es.names.indexTemplate(Kind.FLOWS),
            es.names.indexTemplate(Kind.STAGED_VERDICTS), es.names.indexTemplate(Kind.DNS));
    assertThat(first.lifecycleAvailable()).isFalse();
    assertThat(first.steps()).filteredOn(s -> s.action() == Action.SKIPPED).as("a lifecycle policy per kind").hasSize(5);

    SetupReport second = new IndexSetup(es.clients.rest(), es.settings()).install();
    assertThat(second.changedNothing()).isTrue();
    assertThat(second.summary()).startsWith("Nothing changed");

    SetupReport upgrade = new IndexSetup(es.clients.rest(), es.settings().withRefreshInterval("2s")).install();
    assertThat(upgrade.steps()).filteredOn(s -> s.action() == Action.UPDATED).extracting(SetupReport.Step::name)
        .containsExactly(es.names.settingsComponentTemplate());
  }

  @Test
  void documentsOfEveryKindFitTheStrictMappingsWithNothingAddedDynamically() throws Exception {
    es.setup();
    List<Rejection> rejections = new ArrayList<>();
    try (BulkDocumentWriter<Void> writer = new BulkDocumentWriter<>(es.client(), WriterSettings.defaults(), (d, o, r) -> rejections.add(r))) {
      writer.add(new TrafficDocuments(es.names).build(SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 10)), null);
      writer.add(new AnomalyDocuments(es.names).build(SampleRecords.anomaly("a-1", 0, "10.244.1.5")), null);
      writer.add(new FlowDocuments(es.names, 1).build(SampleRecords.flow()), null);
      writer.add(new StagedVerdictDocuments(es.names).build(SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START)), null);
      writer.add(new dev.flowtel.sink.elasticsearch.document.DnsDocuments(es.names).build(SampleRecords.dnsTransaction()), null);
      writer.flush();
    }
    assertThat(rejections).isEmpty();
    for (Kind kind : Kind.values()) {
      assertThat(es.count(es.names.pattern(kind))).as(kind.name()).isEqualTo(1);
      Response response = es.clients.rest().performRequest(new Request("GET", "/" + es.names.pattern(kind) + "/_mapping"));
      JsonNode live = new ObjectMapper().readTree(response.getEntity().getContent()).elements().next().get("mappings");
      assertThat(leafFields(live)).as(kind + ": the live mapping is exactly the declared one")
          .isEqualTo(leafFields(IndexTemplates.effectiveMappings(kind)));
    }
  }

  /** Dotted field name to type, for every field that is not a plain object. */
  private static Map<String, String> leafFields(JsonNode mappings) {
    Map<String, String> fields = new TreeMap<>();
    collect("", mappings, fields);
    return fields;
  }

  private static void collect(String prefix, JsonNode node, Map<String, String> fields) {
    if (node.has("properties")) {
      node.get("properties").fields().forEachRemaining(e -> collect(prefix + e.getKey() + ".", e.getValue(), fields));
    } else {
      fields.put(prefix.substring(0, prefix.length() - 1), node.path("type").asText());
    }
  }
}
