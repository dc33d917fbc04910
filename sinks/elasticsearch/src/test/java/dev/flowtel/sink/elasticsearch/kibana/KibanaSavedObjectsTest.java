package dev.flowtel.sink.elasticsearch.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import dev.flowtel.sink.elasticsearch.index.IndexTemplates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kibana saved objects parse as Kibana 8 NDJSON; every field a visualization or search uses
 * exists in our mappings with a type its aggregation accepts; every reference resolves to an
 * object in the same file (each file imports on its own); the three dashboards of the issue are
 * in the main file, the staged-policies dashboard and the DNS dashboard each in its own. (Kibana
 * itself cannot be installed on the build machine, so this is the check we can run; the panels'
 * numbers are checked on real data by the console's PanelCheckIT.)
 */
class KibanaSavedObjectsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NUMERIC = Set.of("long", "integer", "double", "float", "short", "byte", "scaled_float");
  private final List<ObjectNode> objects = KibanaSavedObjects.load();
  private final List<ObjectNode> staged = KibanaSavedObjects.loadStagedPolicies();
  private final List<ObjectNode> dns = KibanaSavedObjects.loadDns();
  private final List<ObjectNode> all = KibanaSavedObjects.all();

  @Test
  void theFileHoldsTheDataViewsAndTheThreeDashboards() {
    assertThat(objects).allSatisfy(o -> {
      assertThat(o.path("id").asText()).isNotBlank();
      assertThat(o.path("type").asText()).isIn("index-pattern", "visualization", "search", "dashboard");
      assertThat(o.path("attributes").isObject()).isTrue();
    });
    assertThat(objects).filteredOn(o -> o.path("type").asText().equals("index-pattern"))
        .extracting(o -> o.get("attributes").get("title").asText())
        .containsExactlyInAnyOrder("flowtel-traffic-*", "flowtel-anomalies-*");
    assertThat(objects).filteredOn(o -> o.path("type").asText().equals("dashboard"))
        .extracting(o -> o.get("attributes").get("title").asText())
        .containsExactlyInAnyOrder("Service traffic", "Policy anomalies", "Policy enforcement");
  }

  @Test
  void theStagedPoliciesFileHoldsItsDataViewAndDashboard() throws Exception {
    assertThat(staged).allSatisfy(o -> {
      assertThat(o.path("type").asText()).isIn("index-pattern", "visualization", "dashboard");
      assertThat(o.path("id").asText()).startsWith("flowtel-");
    });
    assertThat(staged).filteredOn(o -> o.path("type").asText().equals("index-pattern"))
        .extracting(o -> o.get("attributes").get("title").asText()).containsExactly("flowtel-staged-verdicts-*");
    List<ObjectNode> dashboards = staged.stream().filter(o -> o.path("type").asText().equals("dashboard")).toList();
    assertThat(dashboards).extracting(o -> o.get("attributes").get("title").asText()).containsExactly("Flowtel \u2014 staged policies");
    assertThat(dashboards.get(0).get("references")).extracting(r -> r.get("id").asText())
        .containsExactly("flowtel-staged-would-deny", "flowtel-staged-denied-edges", "flowtel-staged-allowed-edges");
    assertThat(all).hasSize(objects.size() + staged.size() + dns.size());
    Set<String> ids = new HashSet<>();
    all.forEach(o -> assertThat(ids.add(o.get("type").asText() + "/" + o.get("id").asText())).as("unique " + o.get("id")).isTrue());
  }

  /** The three panels the staged-policies dashboard is for, each on the fields that answer it. */
  @Test
  void theStagedPanelsShowWhatEachStagedPolicyWouldDenyAndNewlyAllow() throws Exception {
    Map<String, List<String>> aggs = new HashMap<>();
    Map<String, String> queries = new HashMap<>();
    for (ObjectNode o : staged) {
      if (o.get("type").asText().equals("visualization")) {
        List<String> described = new ArrayList<>();
        for (JsonNode agg : JSON.readTree(o.get("attributes").get("visState").asText()).get("aggs")) {
          described.add(agg.get("type").asText() + " " + agg.path("params").path("field").asText());
          assertThat(agg.path("params").path("otherBucket").asBoolean(false)).as("an other bucket costs Kibana a second request").isFalse();
        }
        aggs.put(o.get("id").asText(), described);
        queries.put(o.get("id").asText(), JSON.readTree(o.get("attributes").get("kibanaSavedObjectMeta").get("searchSourceJSON").asText())
            .path("query").path("query").asText());
      }
    }
    assertThat(aggs.get("flowtel-staged-would-deny")).containsExactly("sum flowtel.staged.would_deny_flows", "date_histogram @timestamp",
        "terms flowtel.staged.policy.id");
    assertThat(aggs.get("flowtel-staged-denied-edges")).containsExactly("sum flowtel.staged.would_deny_flows",
        "sum flowtel.staged.newly_denied_flows", "max @timestamp", "terms flowtel.staged.policy.id", "terms flowtel.source.id",
        "terms flowtel.destination.id", "terms destination.port");
    assertThat(aggs.get("flowtel-staged-allowed-edges")).containsExactly("sum flowtel.staged.newly_allowed_flows", "max @timestamp",
        "terms flowtel.staged.policy.id", "terms flowtel.source.id", "terms flowtel.destination.id", "terms destination.port");
    assertThat(queries).containsEntry("flowtel-staged-would-deny", "flowtel.staged.would_deny_flows > 0")
        .containsEntry("flowtel-staged-denied-edges", "flowtel.staged.would_deny_flows > 0")
        .containsEntry("flowtel-staged-allowed-edges", "flowtel.staged.newly_allowed_flows > 0");
  }

  @Test
  void theDnsFileHoldsItsDataViewAndTheDnsDashboard() {
    assertThat(dns).allSatisfy(o -> {
      assertThat(o.path("type").asText()).isIn("index-pattern", "visualization", "search", "dashboard");
      assertThat(o.path("id").asText()).startsWith("flowtel-");
    });
    List<ObjectNode> dataViews = dns.stream().filter(o -> o.path("type").asText().equals("index-pattern")).toList();
    assertThat(dataViews).extracting(o -> o.get("attributes").get("title").asText()).containsExactly("flowtel-dns-*");
    List<ObjectNode> dashboards = dns.stream().filter(o -> o.path("type").asText().equals("dashboard")).toList();
    assertThat(dashboards).extracting(o -> o.get("attributes").get("title").asText()).containsExactly("Flowtel \u2014 DNS");
    assertThat(dashboards.get(0).get("references")).extracting(r -> r.get("type").asText() + " " + r.get("id").asText())
        .containsExactly("visualization flowtel-dns-top-names", "visualization flowtel-dns-response-codes",
            "visualization flowtel-dns-latency-by-workload", "visualization flowtel-dns-nxdomain-by-workload",
            "search flowtel-dns-failing-queries");
  }

  /**
   * The five panels the DNS dashboard is for, each on the fields that answer it; the latency is
   * ECS {@code event.duration} in nanoseconds (a long, so a percentiles aggregation takes it), which
   * the data view shows as milliseconds.
   */
  @Test
  void theDnsPanelsAggregateTheFieldsTheirTitlesPromise() throws Exception {
    Map<String, List<String>> aggs = new HashMap<>();
    Map<String, String> queries = new HashMap<>();
    for (ObjectNode o : dns) {
      String type = o.get("type").asText();
      if (type.equals("visualization") || type.equals("search")) {
        queries.put(o.get("id").asText(), JSON.readTree(o.get("attributes").get("kibanaSavedObjectMeta").get("searchSourceJSON").asText())
            .path("query").path("query").asText());
      }
      if (type.equals("visualization")) {
        List<String> described = new ArrayList<>();
        for (JsonNode agg : JSON.readTree(o.get("attributes").get("visState").asText()).get("aggs")) {
          JsonNode params = agg.path("params");
          described.add((agg.get("type").asText() + " " + params.path("field").asText()
              + (params.has("percents") ? " " + params.get("percents") : "")).trim());
          assertThat(params.path("otherBucket").asBoolean(false)).as("an other bucket costs Kibana a second request").isFalse();
        }
        aggs.put(o.get("id").asText(), described);
      }
    }
    assertThat(aggs.get("flowtel-dns-top-names")).containsExactly("count", "terms dns.question.name");
    assertThat(aggs.get("flowtel-dns-response-codes")).containsExactly("count", "date_histogram @timestamp", "terms dns.response_code");
    assertThat(aggs.get("flowtel-dns-latency-by-workload")).containsExactly("percentiles event.duration [50,90,99]", "count",
        "terms flowtel.client.id");
    assertThat(aggs.get("flowtel-dns-nxdomain-by-workload")).containsExactly("count", "terms flowtel.client.id");
    assertThat(queries).containsEntry("flowtel-dns-top-names", "").containsEntry("flowtel-dns-response-codes", "")
        .containsEntry("flowtel-dns-latency-by-workload", "dns.type : \"answer\"")
        .containsEntry("flowtel-dns-nxdomain-by-workload", "dns.response_code : \"NXDOMAIN\"")
        .containsEntry("flowtel-dns-failing-queries", "event.outcome : \"failure\" or dns.response_code : \"NXDOMAIN\"");
    JsonNode mappings = IndexTemplates.effectiveMappings(Kind.DNS);
    assertThat(mappedType(mappings, "event.duration")).isEqualTo("long");
    JsonNode dataView = dns.stream().filter(o -> o.path("type").asText().equals("index-pattern")).findFirst().orElseThrow();
    JsonNode format = JSON.readTree(dataView.get("attributes").get("fieldFormatMap").asText()).path("event.duration");
    assertThat(format.path("id").asText()).isEqualTo("duration");
    assertThat(format.path("params").path("inputFormat").asText()).isEqualTo("nanoseconds");
  }

  @Test
  void everyReferenceResolvesAndEveryPanelAndIndexRefHasAReference() throws Exception {
    List<String> problems = new ArrayList<>();
    problems.addAll(referenceProblems(objects));
    problems.addAll(referenceProblems(staged));
    problems.addAll(referenceProblems(dns));
    assertThat(problems).isEmpty();
  }

  /** Within one file: each file is imported on its own too (Kibana's UI takes one file at a time). */
  private static List<String> referenceProblems(List<ObjectNode> objects) throws Exception {
    Set<String> present = new HashSet<>();
    objects.forEach(o -> present.add(o.get("type").asText() + "/" + o.get("id").asText()));
    List<String> problems = new ArrayList<>();
    for (ObjectNode o : objects) {
      Set<String> referenceNames = new HashSet<>();
      for (JsonNode ref : o.path("references")) {
        referenceNames.add(ref.get("name").asText());
        if (!present.contains(ref.get("type").asText() + "/" + ref.get("id").asText())) {
          problems.add(o.get("id").asText() + " refers to missing " + ref.get("type").asText() + " " + ref.get("id").asText());
        }
      }
      JsonNode attributes = o.get("attributes");
      if (attributes.has("panelsJSON")) {
        for (JsonNode panel : JSON.readTree(attributes.get("panelsJSON").asText())) {
          if (!referenceNames.contains(panel.get("panelRefName").asText())) {
            problems.add(o.get("id").asText() + " panel " + panel.get("panelRefName").asText() + " has no reference");
          }
        }
      }
      JsonNode searchSource = attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON");
      if (!searchSource.isMissingNode()) {
        JsonNode source = JSON.readTree(searchSource.asText());
        if (source.has("indexRefName") && !referenceNames.contains(source.get("indexRefName").asText())) {
          problems.add(o.get("id").asText() + " index ref " + source.get("indexRefName").asText() + " has no reference");
        }
      }
    }
    return problems;
  }

  @Test
  void everyFieldAVisualizationUsesIsMappedWithACompatibleType() throws Exception {
    Map<String, Kind> kindByDataView = new HashMap<>();
    IndexNames names = IndexNames.defaults();
    for (ObjectNode o : all) {
      if (o.get("type").asText().equals("index-pattern")) {
        String title = o.get("attributes").get("title").asText();
        for (Kind kind : Kind.values()) {
          if (names.pattern(kind).equals(title)) {
            kindByDataView.put(o.get("id").asText(), kind);
          }
        }
        assertThat(o.get("attributes").get("timeFieldName").asText()).isEqualTo("@timestamp");
      }
    }
    List<String> problems = new ArrayList<>();
    int checkedFields = 0;
    for (ObjectNode o : all) {
      String type = o.get("type").asText();
      if (!type.equals("visualization") && !type.equals("search")) {
        continue;
      }
      Kind kind = kindByDataView.get(o.get("references").get(0).get("id").asText());
      assertThat(kind).as(o.get("id").asText() + ": its data view is one of Flowtel's index patterns").isNotNull();
      JsonNode mappings = IndexTemplates.effectiveMappings(kind);
      if (type.equals("visualization")) {
        JsonNode visState = JSON.readTree(o.get("attributes").get("visState").asText());
        for (JsonNode agg : visState.get("aggs")) {
          if (!agg.path("params").has("field")) {
            continue;
          }
          String field = agg.get("params").get("field").asText();
          checkedFields++;
          String mapped = mappedType(mappings, field);
          if (mapped == null) {
            problems.add(o.get("id").asText() + ": " + field + " is not in the " + kind + " mapping");
          } else if (!compatible(agg.get("type").asText(), mapped)) {
            problems.add(o.get("id").asText() + ": " + agg.get("type").asText() + " on " + field + " of type " + mapped);
          }
        }
      } else {
        for (JsonNode column : o.get("attributes").get("columns")) {
          checkedFields++;
          if (mappedType(mappings, column.asText()) == null) {
            problems.add(o.get("id").asText() + ": column " + column.asText() + " is not in the " + kind + " mapping");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checkedFields).as("fields of all three files").isGreaterThan(60);
  }

  @Test
  void everyTrafficPanelReadsOnlyTheBaseWindowsAndSaysSo() throws Exception {
    // The traffic indices hold the base windows and their 1 min rollups side by side, each summing
    // the same flows: a panel reading both would count every byte twice.
    List<String> trafficPanels = new ArrayList<>();
    for (ObjectNode o : objects) {
      boolean panel = o.get("type").asText().equals("visualization") || o.get("type").asText().equals("search");
      if (!panel || !o.get("references").get(0).get("id").asText().equals("flowtel-traffic")) {
        continue;
      }
      String id = o.get("id").asText();
      trafficPanels.add(id);
      JsonNode attributes = o.get("attributes");
      JsonNode source = JSON.readTree(attributes.get("kibanaSavedObjectMeta").get("searchSourceJSON").asText());
      assertThat(source.path("query").path("query").asText()).as(id).endsWith("event.duration < 60000000000");
      assertThat(attributes.path("description").asText()).as(id).contains("base traffic windows").contains("shorter than a minute");
    }
    assertThat(mappedType(IndexTemplates.effectiveMappings(Kind.TRAFFIC), "event.duration")).isEqualTo("long");
    assertThat(trafficPanels).hasSize(6);
  }

  @Test
  void aCustomPrefixRewritesTheDataViews() {
    String ndjson = KibanaSavedObjects.ndjsonFor(new IndexNames("acme-"));
    assertThat(ndjson).contains("\"title\":\"acme-traffic-*\"").contains("\"title\":\"acme-anomalies-*\"")
        .contains("\"title\":\"acme-staged-verdicts-*\"").contains("\"title\":\"acme-dns-*\"")
        .contains("\"id\":\"flowtel-dashboard-staged-policies\"")
        .doesNotContain("\"title\":\"flowtel-traffic-*\"").doesNotContain("\"title\":\"flowtel-staged-verdicts-*\"");
  }

  private static String mappedType(JsonNode mappings, String field) {
    JsonNode node = mappings;
    String[] parts = field.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      JsonNode next = node.path("properties").get(parts[i]);
      if (next == null && i == parts.length - 1 && node.has("fields")) {
        next = node.get("fields").get(parts[i]);
      }
      if (next == null) {
        return null;
      }
      node = next;
    }
    return node.path("type").asText(null);
  }

  private static boolean compatible(String aggregation, String fieldType) {
    return switch (aggregation) {
      case "sum", "avg", "percentiles", "median" -> NUMERIC.contains(fieldType);
      case "max", "min" -> NUMERIC.contains(fieldType) || fieldType.equals("date");
      case "terms", "cardinality" -> fieldType.equals("keyword") || fieldType.equals("ip") || fieldType.equals("boolean")
          || NUMERIC.contains(fieldType);
      case "date_histogram" -> fieldType.equals("date");
      default -> false;
    };
  }
}
