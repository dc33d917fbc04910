package dev.flowtel.console.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.console.query.TimeSpan;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.Severity;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.DnsDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.kibana.KibanaSavedObjects;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a minute of traffic on two edges as the sink writes it to a real Elasticsearch (10 s
 * windows and, beside them, their 1 min rollups; drops on one edge) and a policy violation, a
 * denied spike and a port scan, when every shipped Kibana panel's request is run over the last
 * 15 minutes, then each returns data and equals what the console shows for that range; panels
 * that summed the rollups too would be caught, and so would panels that return nothing. And the
 * DNS dashboard's panels, which have no console figure, against what the DNS transactions behind
 * their documents give when counted here.
 */
@WithElasticsearch
@Timeout(180)
class PanelCheckIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = SampleRecords.WINDOW_START.plus(Duration.ofMinutes(10));
  private static final Duration COOLDOWN = Duration.ofMinutes(5);
  private static final int WINDOWS = 6;
  private static final String ROLLUP_EXCLUSION = "event.duration < 60000000000";

  private final ElasticsearchFixture elasticsearch;
  private EsTestSupport es;
  private ElasticsearchSearch search;

  PanelCheckIT(ElasticsearchFixture elasticsearch) {
    this.elasticsearch = elasticsearch;
  }

  @BeforeEach
  void fill() {
    es = new EsTestSupport(elasticsearch.url());
    es.setup();
    search = new ElasticsearchSearch(es.clients.rest());
    TrafficDocuments traffic = new TrafficDocuments(es.names);
    AnomalyDocuments anomalies = new AnomalyDocuments(es.names);
    List<IndexDocument> documents = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      Instant start = SampleRecords.WINDOW_START.plusSeconds(10L * w);
      documents.add(traffic.build(window("frontend", "checkout", start, 10, 100L * (w + 1), 0)));
      documents.add(traffic.build(window("cart", "payments", start, 10, 7, w == 2 ? 3 : 0)));
    }
    // An internet client: no namespace, so the by-namespace panel shows it in its missing bucket.
    documents.add(traffic.build(fromInternet(window("frontend", "ingress", SampleRecords.WINDOW_START, 10, 50, 0))));
    documents.add(traffic.build(fromInternet(window("frontend", "ingress", SampleRecords.WINDOW_START, 60, 50, 0))));
    documents.add(traffic.build(window("frontend", "checkout", SampleRecords.WINDOW_START, 60, 100L * 21, 0)));
    documents.add(traffic.build(window("cart", "payments", SampleRecords.WINDOW_START, 60, 7L * WINDOWS, 3)));
    documents.add(anomalies.build(anomaly("violation-1", AnomalyType.POLICY_VIOLATION, Severity.HIGH, "frontend", "checkout")));
    documents.add(anomalies.build(anomaly("spike-1", AnomalyType.DENIED_SPIKE, Severity.MEDIUM, "cart", "payments")));
    documents.add(anomalies.build(SampleRecords.anomaly("scan-1", 2, "10.0.0.9")));
    es.index(documents);
  }

  @AfterEach
  void close() {
    es.close();
  }

  @Test
  void everyPanelReturnsDataAndEqualsTheConsolesFigures() {
    Map<String, PanelResult> results = byId(new PanelCheck(search, es.names, COOLDOWN).run(ConsoleRange.LAST_15_MINUTES, NOW));

    assertThat(results).hasSize(12);
    assertThat(results.values()).allSatisfy(r -> assertThat(r.passed()).as("%s: %s", r.id(), r.detail()).isTrue());
    // bytes both ways (to the destination and 3x back): frontend -> checkout 4 x (100 + ... + 600), cart -> payments 4 x 6 x 7,
    // an internet client -> ingress 4 x 50
    assertThat(results.get("flowtel-traffic-top-edges").detail()).isEqualTo("bytes of 3 edges equal the console's (of 3)");
    assertThat(results.get("flowtel-traffic-by-namespace").detail())
        .isEqualTo("bytes per sending namespace of 2 namespaces equal the console's (of 2)");
    assertThat(results.get("flowtel-traffic-resets-drops").detail())
        .isEqualTo("drops: panel 3, console 3 (drops of all edges on the map); resets in every interval, new connections 39");
    assertThat(results.get("flowtel-traffic-rtt").detail()).contains("highest average p50 250 us");
    assertThat(results.get("flowtel-anomalies-by-type").detail())
        .isEqualTo("anomalies by type: panel {DENIED_SPIKE=1, POLICY_VIOLATION=1, PORT_SCAN=1}, "
            + "console {DENIED_SPIKE=1, POLICY_VIOLATION=1, PORT_SCAN=1}");
    assertThat(results.get("flowtel-enforcement-violations").detail()).endsWith("console {DENIED_SPIKE=1, POLICY_VIOLATION=1}");
    assertThat(results.get("flowtel-anomalies-by-severity").detail()).startsWith("anomalies over every (interval, severity) bucket: panel 3, console 3");
    assertThat(results.get("flowtel-anomalies-table").detail()).startsWith("hits: panel 3, console 3");
    assertThat(results.get("flowtel-anomalies-top-workloads").detail())
        .isEqualTo("anomalies per source of 2 sources equal the console's (of 2); total panel 3, console 3");
    assertThat(results.get("flowtel-enforcement-denied").detail()).startsWith("drops summed over 1 intervals: panel 3, console 3");
    assertThat(results.get("flowtel-enforcement-denied-edges").detail()).isEqualTo("drops of 1 edges equal the console's (of 1)");
    assertThat(results.get("flowtel-enforcement-violating-edges").detail()).isEqualTo(
        "violating (source -> destination) pairs: panel {shop/Deployment/frontend -> shop/Service/checkout=1}, "
            + "console anomaly list {shop/Deployment/frontend -> shop/Service/checkout=1}, "
            + "console map's violation edges [shop/Deployment/frontend -> shop/Service/checkout]");
  }

  @Test
  void panelsThatSummedTheRollupsTooWouldFailTheCheck() throws Exception {
    List<ObjectNode> objects = KibanaSavedObjects.load();
    for (ObjectNode object : objects) {
      JsonNode meta = object.path("attributes").path("kibanaSavedObjectMeta");
      if (meta.has("searchSourceJSON")) {
        ObjectNode source = (ObjectNode) JSON.readTree(meta.path("searchSourceJSON").asText());
        String kql = source.path("query").path("query").asText();
        ((ObjectNode) source.path("query")).put("query", kql.replace(" and " + ROLLUP_EXCLUSION, "").replace(ROLLUP_EXCLUSION, ""));
        ((ObjectNode) meta).put("searchSourceJSON", source.toString());
      }
    }
    Map<String, PanelResult> results = byId(new PanelCheck(search, es.names, COOLDOWN, new KibanaPanels(objects))
        .run(ConsoleRange.LAST_15_MINUTES, NOW));

    assertThat(results.get("flowtel-traffic-top-edges").passed()).isFalse();
    assertThat(results.get("flowtel-traffic-top-edges").detail()).contains(
        "shop/Deployment/frontend -> shop/Service/checkout tcp/8080: panel 16800, console 8400 (2.00x: windows and rollups both counted?)");
    assertThat(results.get("flowtel-traffic-by-namespace").detail()).contains("panel 17136, console 8568");
    assertThat(results.get("flowtel-enforcement-denied").detail()).contains("panel 6, console 3");
    assertThat(results.get("flowtel-enforcement-denied-edges").passed()).isFalse();
    assertThat(results.get("flowtel-traffic-resets-drops").passed()).isFalse();
    assertThat(results.values()).filteredOn(PanelResult::passed).extracting(PanelResult::id)
        .as("averages and anomalies are not doubled")
        .containsExactlyInAnyOrder("flowtel-traffic-rtt", "flowtel-anomalies-by-type", "flowtel-anomalies-by-severity",
            "flowtel-anomalies-top-workloads", "flowtel-anomalies-table", "flowtel-enforcement-violations",
            "flowtel-enforcement-violating-edges");
  }

  @Test
  void aRangeWithoutTheDataFailsEveryPanelAndRollupRangesAreRefused() {
    PanelCheck check = new PanelCheck(search, es.names, COOLDOWN);
    List<PanelResult> dayLater = check.run(ConsoleRange.LAST_15_MINUTES, NOW.plus(Duration.ofDays(1)));
    assertThat(dayLater).hasSize(12).allSatisfy(r -> {
      assertThat(r.returnedData()).as(r.id()).isFalse();
      assertThat(r.passed()).as(r.id()).isFalse();
    });
    assertThatThrownBy(() -> check.run(ConsoleRange.LAST_HOUR, NOW)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range 1h").hasMessageContaining("15m");
  }

  /**
   * Given a minute of DNS transactions as the sink writes them (DnsDocuments): three workloads and a
   * client enrichment did not know; NOERROR, NXDOMAIN, SERVFAIL and unanswered queries; and one
   * transaction before the range. When the DNS dashboard's panel requests run over the last 15
   * minutes, then each equals what the transactions in the range give, counted here: queries per
   * name; queries per interval and response code (whose NXDOMAIN and SERVFAIL share is the error
   * rate); per workload the answered queries and their latency percentiles (Elasticsearch's
   * TDigest keeps every value of so small a set, so its percentiles are the interpolated ones
   * computed here, to within rounding); NXDOMAIN answers per workload; and the failing queries,
   * newest first.
   */
  @Test
  void theDnsPanelsEqualWhatTheTransactionsGive() {
    List<DnsTransaction> inRange = dnsTransactions();
    DnsDocuments dns = new DnsDocuments(es.names);
    List<IndexDocument> documents = new ArrayList<>(inRange.stream().map(dns::build).toList());
    DnsTransaction beforeRange = DnsTransaction.newBuilder(inRange.getFirst()).setQueryName("old.example.com")
        .setQueryTime(NOW.minus(Duration.ofMinutes(20))).setResponseTime(NOW.minus(Duration.ofMinutes(20)).plusMillis(9)).build();
    documents.add(dns.build(beforeRange));
    es.index(documents);
    TimeSpan span = ConsoleRange.LAST_15_MINUTES.endingAt(NOW);
    Map<String, PanelRequest> requests = KibanaPanels.dns().requests(span, es.names).stream()
        .collect(Collectors.toMap(PanelRequest::id, Function.identity()));
    Map<String, PanelAnswer> answers = new TreeMap<>();
    requests.forEach((id, request) -> answers.put(id, PanelAnswer.of(request, search.search(request.indexPattern(), request.body()))));
    assertThat(answers).hasSize(5).allSatisfy((id, answer) -> assertThat(answer.rows()).as(id).isNotEmpty());

    Map<String, Long> perName = countBy(inRange, DnsTransaction::getQueryName);
    assertThat(perName).hasSizeLessThan(20).doesNotContainKey("old.example.com");
    assertThat(counts(answers.get("flowtel-dns-top-names"), r -> r.key("2"))).isEqualTo(perName);
    assertThat(answers.get("flowtel-dns-top-names").rows().getFirst().key("2")).isEqualTo("api.example.com");

    long interval = Duration.parse("PT" + requests.get("flowtel-dns-response-codes").body().path("aggs").path("2")
        .path("date_histogram").path("fixed_interval").asText().toUpperCase()).toSeconds();
    DateTimeFormatter bucketKey = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    Map<String, Long> perIntervalAndCode = countBy(inRange, t -> bucketKey.format(Instant.ofEpochSecond(
        Math.floorDiv(t.getQueryTime().getEpochSecond(), interval) * interval)) + " " + code(t));
    assertThat(counts(answers.get("flowtel-dns-response-codes"), r -> r.key("2") + " " + r.key("3"))).isEqualTo(perIntervalAndCode);
    assertThat(countBy(inRange, PanelCheckIT::code)).containsKeys("NOERROR", "NXDOMAIN", "SERVFAIL", KibanaPanels.MISSING_KEY);

    Map<String, List<Long>> latencies = new TreeMap<>();
    inRange.stream().filter(t -> t.getResponseCode() != null)
        .forEach(t -> latencies.computeIfAbsent(workload(t), w -> new ArrayList<>()).add(t.getLatencyNanos()));
    List<PanelAnswer.Row> latencyRows = answers.get("flowtel-dns-latency-by-workload").rows();
    assertThat(latencyRows).extracting(r -> r.key("3")).containsExactlyInAnyOrderElementsOf(latencies.keySet());
    for (PanelAnswer.Row row : latencyRows) {
      List<Long> values = latencies.get(row.key("3"));
      assertThat(row.count()).as(row.key("3") + " answered queries").isEqualTo(values.size());
      for (int percent : List.of(50, 90, 99)) {
        assertThat(row.metric("1." + percent).orElseThrow()).as(row.key("3") + " p" + percent)
            .isCloseTo(percentile(values, percent), within(1.0));
      }
    }

    Map<String, Long> nxdomains = countBy(inRange.stream().filter(t -> "NXDOMAIN".equals(code(t))).toList(), PanelCheckIT::workload);
    assertThat(nxdomains).containsKey("batch/CronJob/crawler");
    assertThat(counts(answers.get("flowtel-dns-nxdomain-by-workload"), r -> r.key("2"))).isEqualTo(nxdomains);

    List<String> failing = inRange.stream().filter(t -> List.of("NXDOMAIN", "SERVFAIL", KibanaPanels.MISSING_KEY).contains(code(t)))
        .sorted(Comparator.comparing(DnsTransaction::getQueryTime).reversed()).map(DnsDocuments::documentId).toList();
    assertThat(answers.get("flowtel-dns-failing-queries").rows()).extracting(r -> r.key("_id")).containsExactlyElementsOf(failing);
  }

  /**
   * 60 queries, 7 s and a few ms apart: checkout, frontend and an unknown client ask for three
   * names, every ninth query SERVFAILs on a fourth and every eleventh gets no answer; the crawler
   * asks for generated names (NXDOMAIN) and, every third time, a real one. Latencies vary.
   */
  private static List<DnsTransaction> dnsTransactions() {
    List<String> names = List.of("api.example.com", "cdn.example.net", "api.example.com", "db.shop.svc.cluster.local");
    List<DnsTransaction> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant query = SampleRecords.WINDOW_START.plusSeconds(7L * i).plusMillis(i);
      long latency = 400_000L + (i * 7_919L) % 50 * 97_000L;
      String name = names.get(i % names.size());
      Integer rcode = i % 11 == 10 ? null : 0;
      Endpoint client = switch (i % 4) {
        case 0 -> podOf("shop", "Deployment", "checkout");
        case 1 -> podOf("shop", "Deployment", "frontend");
        case 2 -> podOf("batch", "CronJob", "crawler");
        default -> null;
      };
      if (i % 4 == 2 && i % 3 != 0) {
        name = "q" + (i % 6) + "x7.gen.test";
        rcode = 3;
      } else if (i % 9 == 8) {
        name = "flaky.example.org";
        rcode = 2;
      }
      DnsTransaction.Builder t = DnsTransaction.newBuilder(SampleRecords.dnsTransaction()).setQueryTime(query)
          .setClientPort(40_000 + i).setTransactionId(1_000 + i).setQueryName(name).setClient(client).setResponseCode(rcode);
      if (rcode == null || rcode != 0) {
        t.setAnswerCount(0).setAnswers(List.of());
      }
      if (rcode == null) {
        t.setResponseTime(null).setLatencyNanos(null);
      } else {
        t.setResponseTime(query.plusNanos(latency)).setLatencyNanos(latency);
      }
      out.add(t.build());
    }
    return out;
  }

  private static Endpoint podOf(String namespace, String kind, String name) {
    return Endpoint.newBuilder(SampleRecords.dnsTransaction().getClient()).setNamespace(namespace).setWorkloadKind(kind)
        .setWorkloadName(name).setPod(name + "-pod").build();
  }

  /** The workload as flowtel.client.id names it; a client enrichment did not know is in the panels' missing bucket. */
  private static String workload(DnsTransaction t) {
    Endpoint c = t.getClient();
    return c == null ? KibanaPanels.MISSING_KEY : c.getNamespace() + "/" + c.getWorkloadKind() + "/" + c.getWorkloadName();
  }

  private static String code(DnsTransaction t) {
    return t.getResponseCode() == null ? KibanaPanels.MISSING_KEY : DnsDocuments.responseCode(t.getResponseCode());
  }

  /** The percentile interpolated between the two nearest ranks, rank = p/100 x (n - 1) of the sorted values. */
  private static double percentile(List<Long> values, int percent) {
    List<Long> sorted = values.stream().sorted().toList();
    double rank = percent / 100.0 * (sorted.size() - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, sorted.size() - 1);
    return sorted.get(below) + (rank - below) * (sorted.get(above) - sorted.get(below));
  }

  private static <T> Map<String, Long> countBy(List<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  private static Map<String, Long> counts(PanelAnswer answer, Function<PanelAnswer.Row, String> key) {
    Map<String, Long> out = new TreeMap<>();
    answer.rows().forEach(r -> out.merge(key.apply(r), r.count(), Long::sum));
    return out;
  }

  private static Map<String, PanelResult> byId(List<PanelResult> results) {
    return results.stream().collect(Collectors.toMap(PanelResult::id, Function.identity()));
  }

  private static ServiceTraffic window(String client, String service, Instant start, int seconds, long bytes, long drops) {
    return ServiceTraffic.newBuilder(SampleRecords.traffic(client, service, start, 0, bytes))
        .setWindowEnd(start.plusSeconds(seconds)).setFlows(seconds == 10 ? 4 : 4L * WINDOWS)
        .setConnectionsOpened(seconds == 10 ? 3 : 3L * WINDOWS).setDrops(drops).build();
  }

  private static ServiceTraffic fromInternet(ServiceTraffic t) {
    return ServiceTraffic.newBuilder(t).setSource(EdgeEndpoint.newBuilder().setNamespace(null).setKind("External")
        .setName("PUBLIC").setNetworkClass(dev.flowtel.schema.NetworkClass.PUBLIC).build()).build();
  }

  private static PolicyAnomaly anomaly(String id, AnomalyType type, Severity severity, String client, String service) {
    EdgeEndpoint destination = SampleRecords.traffic(client, service, SampleRecords.WINDOW_START, 0, 1).getDestination();
    return PolicyAnomaly.newBuilder(SampleRecords.anomaly(id, 1, "10.0.0.5"))
        .setType(type).setSeverity(severity)
        .setSource(SampleRecords.workload("shop", "Deployment", client))
        .setFirstSeen(SampleRecords.WINDOW_START.plusSeconds(20)).setLastSeen(NOW.minus(Duration.ofMinutes(1)))
        .setDestination(destination).setDestinationPort(8080)
        .setSummary("shop/Deployment/" + client + " -> shop/Service/" + service + ": " + type).build();
  }

}
