package dev.flowtel.console.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.kibana.KibanaSavedObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Given the shipped Kibana objects, when their requests are built for a 15 min range, then every
 * visualization and the saved search has one with Kibana's aggregations, KQL and time filter, the
 * traffic panels read only the base windows, and a query outside the translated KQL names its panel.
 */
class KibanaPanelsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-26T10:10:00Z");
  private static final TimeSpan SPAN = new TimeSpan(NOW.minus(Duration.ofMinutes(15)), NOW);
  private static final String ROLLUP_EXCLUSION = "{\"range\":{\"event.duration\":{\"lt\":60000000000}}}";

  private final Map<String, PanelRequest> requests = KibanaPanels.shipped().requests(SPAN, new IndexNames("acme-")).stream()
      .collect(Collectors.toMap(PanelRequest::id, Function.identity()));

  @Test
  void everyShippedVisualizationAndSearchYieldsARequestOnItsDataViewUnderThePrefixInUse() {
    assertThat(requests.keySet()).containsExactlyInAnyOrder("flowtel-traffic-top-edges", "flowtel-traffic-by-namespace",
        "flowtel-traffic-resets-drops", "flowtel-traffic-rtt", "flowtel-anomalies-by-type", "flowtel-anomalies-by-severity",
        "flowtel-anomalies-top-workloads", "flowtel-anomalies-table", "flowtel-enforcement-denied",
        "flowtel-enforcement-violations", "flowtel-enforcement-denied-edges", "flowtel-enforcement-violating-edges");
    long panelsInFile = KibanaSavedObjects.load().stream()
        .filter(o -> List.of("visualization", "search").contains(o.path("type").asText())).count();
    assertThat(requests).hasSize((int) panelsInFile);
    assertThat(requests.get("flowtel-traffic-top-edges").indexPattern()).isEqualTo("acme-traffic-*");
    assertThat(requests.get("flowtel-anomalies-table").indexPattern()).isEqualTo("acme-anomalies-*");
    assertThat(requests.values()).allSatisfy(r -> {
      assertThat(r.title()).isNotBlank();
      assertThat(r.body().path("query").path("bool").path("filter").get(1)).hasToString(
          "{\"range\":{\"@timestamp\":{\"format\":\"strict_date_optional_time\",\"gte\":\"2026-11-26T09:55:00Z\","
              + "\"lte\":\"2026-11-26T10:10:00Z\"}}}");
    });
  }

  @Test
  void aggregationsAreNestedAsKibanaSendsThem() {
    assertThat(requests.get("flowtel-traffic-top-edges").body().path("aggs")).hasToString(
        "{\"2\":{\"terms\":{\"field\":\"flowtel.edge.name\",\"order\":{\"1\":\"desc\"},\"size\":20},"
            + "\"aggs\":{\"1\":{\"sum\":{\"field\":\"network.bytes\"}}}}}");
    // date histogram outside, the namespaces inside it ordered by the bytes summed at their level,
    // senders outside any namespace in Kibana's missing bucket
    assertThat(requests.get("flowtel-traffic-by-namespace").body().path("aggs")).hasToString(
        "{\"2\":{\"date_histogram\":{\"field\":\"@timestamp\",\"fixed_interval\":\"20s\",\"time_zone\":\"UTC\",\"min_doc_count\":1},"
            + "\"aggs\":{\"3\":{\"terms\":{\"field\":\"orchestrator.namespace\",\"missing\":\"__missing__\",\"order\":{\"1\":\"desc\"},\"size\":20},"
            + "\"aggs\":{\"1\":{\"sum\":{\"field\":\"network.bytes\"}}}}}}}");
    // a count metric is the buckets' doc_count: ordered by _count, no aggregation of its own
    assertThat(requests.get("flowtel-anomalies-top-workloads").body().path("aggs")).hasToString(
        "{\"2\":{\"terms\":{\"field\":\"flowtel.source.id\",\"order\":{\"_count\":\"desc\"},\"size\":15},"
            + "\"aggs\":{\"3\":{\"max\":{\"field\":\"event.severity\"}}}}}");
    assertThat(requests.get("flowtel-traffic-rtt").body().path("aggs").path("4").path("aggs").properties())
        .extracting(Map.Entry::getKey).containsExactly("1", "2", "3");
    assertThat(requests.get("flowtel-traffic-rtt").body().path("size").asInt()).isZero();
  }

  @Test
  void theSavedSearchAsksForItsNewestHitsAndTheirTotal() {
    JsonNode body = requests.get("flowtel-anomalies-table").body();
    assertThat(body.path("size").asInt()).isEqualTo(500);
    assertThat(body.path("track_total_hits").asBoolean()).isTrue();
    assertThat(body.path("sort")).hasToString("[{\"@timestamp\":{\"order\":\"desc\"}}]");
    assertThat(body.has("aggs")).isFalse();
    assertThat(body.path("query").path("bool").path("filter").get(0)).hasToString("{\"match_all\":{}}");
  }

  @Test
  void theTrafficPanelsReadOnlyTheBaseWindowsAndTheAnomalyPanelsEverything() {
    assertThat(requests.values()).filteredOn(r -> r.indexPattern().equals("acme-traffic-*")).hasSize(6)
        .allSatisfy(r -> assertThat(r.body().path("query").toString()).as(r.id()).contains(ROLLUP_EXCLUSION));
    assertThat(requests.values()).filteredOn(r -> r.indexPattern().equals("acme-anomalies-*"))
        .allSatisfy(r -> assertThat(r.body().path("query").toString()).as(r.id()).doesNotContain("event.duration"));
    assertThat(requests.get("flowtel-enforcement-denied").body().path("query").path("bool").path("filter").get(0)).hasToString(
        "{\"bool\":{\"filter\":[{\"range\":{\"flowtel.drops\":{\"gt\":0}}}," + ROLLUP_EXCLUSION + "]}}");
  }

  @Test
  void theKqlOfThePanelsIsTranslatedAsKibanaDoes() {
    assertThat(KqlQuery.translate("")).hasToString("{\"match_all\":{}}");
    assertThat(KqlQuery.translate("flowtel.drops > 0")).hasToString("{\"range\":{\"flowtel.drops\":{\"gt\":0}}}");
    assertThat(KqlQuery.translate("event.duration<=1.5")).hasToString("{\"range\":{\"event.duration\":{\"lte\":1.5}}}");
    assertThat(KqlQuery.translate("flowtel.anomaly.type : \"POLICY_VIOLATION\""))
        .hasToString("{\"match_phrase\":{\"flowtel.anomaly.type\":\"POLICY_VIOLATION\"}}");
    assertThat(KqlQuery.translate("flowtel.anomaly.type : (\"POLICY_VIOLATION\" or \"DENIED_SPIKE\")")).hasToString(
        "{\"bool\":{\"should\":[{\"match_phrase\":{\"flowtel.anomaly.type\":\"POLICY_VIOLATION\"}},"
            + "{\"match_phrase\":{\"flowtel.anomaly.type\":\"DENIED_SPIKE\"}}],\"minimum_should_match\":1}}");
    assertThat(KqlQuery.translate("message : \"say \\\"hi\\\"\" and flowtel.drops >= 2")).hasToString(
        "{\"bool\":{\"filter\":[{\"match_phrase\":{\"message\":\"say \\\"hi\\\"\"}},{\"range\":{\"flowtel.drops\":{\"gte\":2}}}]}}");
    // and binds tighter than or, as in Kibana: (failure and slow) or NXDOMAIN
    assertThat(KqlQuery.translate("event.outcome : \"failure\" and event.duration > 5 or dns.response_code : \"NXDOMAIN\"")).hasToString(
        "{\"bool\":{\"should\":[{\"bool\":{\"filter\":[{\"match_phrase\":{\"event.outcome\":\"failure\"}},"
            + "{\"range\":{\"event.duration\":{\"gt\":5}}}]}},{\"match_phrase\":{\"dns.response_code\":\"NXDOMAIN\"}}],"
            + "\"minimum_should_match\":1}}");
  }

  @Test
  void kqlOutsideTheTranslatedSubsetIsRefusedWithTheQuery() {
    for (String kql : List.of("(flowtel.drops > 0 or flowtel.tcp.resets > 0) and flowtel.drops < 9",
        "not flowtel.anomaly.type : \"PORT_SCAN\"", "flowtel.drops > 0 or", "flowtel.drops > 0 flowtel.drops < 9",
        "flowtel.anomaly.type : PORT*", "flowtel.drops > many", "flowtel.anomaly.type : \"open", "flowtel.drops >")) {
      assertThatThrownBy(() -> KqlQuery.translate(kql)).as(kql).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("KQL \"" + kql + "\" is not understood").hasMessageContaining(KqlQuery.SUPPORTED);
    }
  }

  @Test
  void aPanelWhoseKqlIsNotTranslatedIsNamedInTheError() throws Exception {
    List<ObjectNode> objects = KibanaSavedObjects.load();
    for (ObjectNode object : objects) {
      if (object.path("id").asText().equals("flowtel-enforcement-denied")) {
        ObjectNode meta = (ObjectNode) object.path("attributes").path("kibanaSavedObjectMeta");
        ObjectNode source = (ObjectNode) JSON.readTree(meta.path("searchSourceJSON").asText());
        ((ObjectNode) source.path("query")).put("query", "not flowtel.drops > 0");
        meta.put("searchSourceJSON", source.toString());
      }
    }
    assertThatThrownBy(() -> new KibanaPanels(objects).requests(SPAN, IndexNames.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Kibana panel flowtel-enforcement-denied (\"Denied traffic: dropped packets per interval\"): ")
        .hasMessageContaining("KQL \"not flowtel.drops > 0\"");
  }

  @Test
  void anAnswerIsFlattenedToOneRowPerInnermostBucket() throws Exception {
    PanelRequest byNamespace = requests.get("flowtel-traffic-by-namespace");
    JsonNode response = JSON.readTree("""
        {"hits":{"total":{"value":5}},"aggregations":{"2":{"buckets":[
          {"key_as_string":"2026-11-26T10:00:00.000Z","doc_count":3,"3":{"buckets":[
            {"key":"shop","doc_count":2,"1":{"value":800.0}},{"key":"bank","doc_count":1,"1":{"value":50.0}}]}},
          {"key_as_string":"2026-11-26T10:00:20.000Z","doc_count":2,"3":{"buckets":[
            {"key":"shop","doc_count":2,"1":{"value":400.0}}]}}]}}}""");
    PanelAnswer answer = PanelAnswer.of(byNamespace, response);
    assertThat(answer.totalHits()).isEqualTo(5);
    assertThat(answer.rows()).extracting(r -> r.key("2") + " " + r.key("3") + " " + r.metric("1").getAsDouble() + " " + r.count())
        .containsExactly("2026-11-26T10:00:00.000Z shop 800.0 2", "2026-11-26T10:00:00.000Z bank 50.0 1",
            "2026-11-26T10:00:20.000Z shop 400.0 2");
    assertThat(answer.sum("1")).isEqualTo(1250.0);
    assertThat(PanelAnswer.of(byNamespace, JSON.readTree("{\"hits\":{\"total\":{\"value\":0}}}")).rows()).isEmpty();
  }

  /** The DNS dashboard's latency panel: percentiles per workload as Kibana sends them, each percent a metric of its own. */
  @Test
  void theDnsPanelsAskForPercentilesAndTheirValuesAreNamedAsKibanaNamesThem() throws Exception {
    Map<String, PanelRequest> dns = KibanaPanels.dns().requests(SPAN, new IndexNames("acme-")).stream()
        .collect(Collectors.toMap(PanelRequest::id, Function.identity()));
    assertThat(dns.keySet()).containsExactlyInAnyOrder("flowtel-dns-top-names", "flowtel-dns-response-codes",
        "flowtel-dns-latency-by-workload", "flowtel-dns-nxdomain-by-workload", "flowtel-dns-failing-queries");
    assertThat(dns.values()).extracting(PanelRequest::indexPattern).containsOnly("acme-dns-*");
    PanelRequest latency = dns.get("flowtel-dns-latency-by-workload");
    assertThat(latency.body().path("aggs")).hasToString(
        "{\"3\":{\"terms\":{\"field\":\"flowtel.client.id\",\"missing\":\"__missing__\",\"order\":{\"_count\":\"desc\"},\"size\":20},"
            + "\"aggs\":{\"1\":{\"percentiles\":{\"field\":\"event.duration\",\"percents\":[50,90,99]}}}}}");
    assertThat(latency.body().path("query").path("bool").path("filter").get(0)).hasToString("{\"match_phrase\":{\"dns.type\":\"answer\"}}");
    PanelAnswer answer = PanelAnswer.of(latency, JSON.readTree("""
        {"hits":{"total":{"value":3}},"aggregations":{"3":{"buckets":[
          {"key":"shop/Deployment/checkout","doc_count":3,"1":{"values":{"50.0":2000000.0,"90.0":2800000.0,"99.0":2980000.0}}}]}}}"""));
    assertThat(answer.rows()).singleElement().satisfies(row -> {
      assertThat(row.key("3")).isEqualTo("shop/Deployment/checkout");
      assertThat(row.count()).isEqualTo(3);
      assertThat(row.metrics()).containsExactly(Map.entry("1.50", 2000000.0), Map.entry("1.90", 2800000.0), Map.entry("1.99", 2980000.0));
    });
    assertThat(dns.get("flowtel-dns-failing-queries").body().path("query").path("bool").path("filter").get(0)).hasToString(
        "{\"bool\":{\"should\":[{\"match_phrase\":{\"event.outcome\":\"failure\"}},"
            + "{\"match_phrase\":{\"dns.response_code\":\"NXDOMAIN\"}}],\"minimum_should_match\":1}}");
  }

  @Test
  void anAutoHistogramIntervalIsWholeBaseWindowsAboutSixtyPerRange() {
    ObjectNode auto = JSON.createObjectNode().put("interval", "auto");
    assertThat(KibanaPanels.interval(auto, new TimeSpan(NOW.minus(Duration.ofMinutes(2)), NOW))).isEqualTo("10s");
    assertThat(KibanaPanels.interval(auto, SPAN)).isEqualTo("20s");
    assertThat(KibanaPanels.interval(auto, new TimeSpan(NOW.minus(Duration.ofHours(24)), NOW))).isEqualTo("1440s");
    assertThat(KibanaPanels.interval(JSON.createObjectNode().put("interval", "1m"), SPAN)).isEqualTo("1m");
  }
}
