package dev.flowtel.console.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.EsTestSupport;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a minute of traffic as the sink writes it to a real Elasticsearch (10 s windows and their
 * 1 min rollups side by side, a scanner's failed attempts, 24 more edges, and windows outside the
 * period) and anomalies inside and outside the period, when policy history is read, then every
 * edge comes back once with its exact sums, whichever window size is read, and only the anomalies
 * open during the period come back, as spans.
 */
@WithElasticsearch
@Timeout(120)
class PolicyHistoryIT {

  private static final Instant START = SampleRecords.WINDOW_START;
  private static final EdgeEnd FRONTEND = new EdgeEnd("shop", "Deployment", "frontend", NetworkClass.POD);
  private static final EdgeEnd CHECKOUT = new EdgeEnd("shop", "Service", "checkout", NetworkClass.SERVICE);
  private static final HistoryPeriod TWENTY_MINUTES = new HistoryPeriod(START.minus(Duration.ofMinutes(10)), START.plus(Duration.ofMinutes(10)));
  private static final HistoryPeriod DAY = new HistoryPeriod(START.minus(Duration.ofHours(12)), START.plus(Duration.ofHours(12)));

  private final ElasticsearchFixture elasticsearch;
  private EsTestSupport es;
  private ElasticsearchSearch search;

  PolicyHistoryIT(ElasticsearchFixture elasticsearch) {
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
    for (int w = 0; w < 6; w++) {
      Instant start = START.plusSeconds(10L * w);
      // bytes 100, 200, ... 600 to the destination and three times that back: 8,400 both ways over the minute.
      documents.add(traffic.build(SampleRecords.traffic("frontend", "checkout", start, 0, 100L * (w + 1))));
      documents.add(traffic.build(SampleRecords.failedAttempts(start, 20, 2)));
    }
    // The rollups of that minute, summing the same flows.
    documents.add(traffic.build(ServiceTraffic.newBuilder(SampleRecords.traffic("frontend", "checkout", START, 0, 2_100))
        .setWindowEnd(START.plusSeconds(60)).setFlows(24).setConnectionsOpened(18).setDrops(30).build()));
    documents.add(traffic.build(ServiceTraffic.newBuilder(SampleRecords.failedAttempts(START, 20, 2))
        .setWindowEnd(START.plusSeconds(60)).setBytesToDestination(6 * 2_400).setBytesToSource(6 * 1_600).setFlows(240)
        .setConnectionsOpened(240).setFailedAttempts(240).build()));
    // 24 more edges, one window each and its rollup, so the composite aggregation pages.
    for (int i = 0; i < 24; i++) {
      ServiceTraffic window = ServiceTraffic.newBuilder(SampleRecords.traffic("client-" + i, "checkout", START, 0, i)).setDrops(0).build();
      documents.add(traffic.build(window));
      documents.add(traffic.build(ServiceTraffic.newBuilder(window).setWindowEnd(START.plusSeconds(60)).build()));
    }
    // Outside both periods: the day before.
    documents.add(traffic.build(SampleRecords.traffic("frontend", "checkout", START.minus(Duration.ofDays(1)), 0, 1_000_000)));

    documents.add(anomalies.build(SampleRecords.anomaly("scan-1", 2, "10.0.0.9")));
    documents.add(anomalies.build(PolicyAnomaly.newBuilder(SampleRecords.anomaly("scan-0", 1, "10.0.0.9"))
        .setFirstSeen(START.minus(Duration.ofDays(2))).setLastSeen(START.minus(Duration.ofDays(2)).plusSeconds(40)).build()));
    documents.add(anomalies.build(PolicyAnomaly.newBuilder(SampleRecords.anomaly("sweep-1", 1, "10.0.0.9"))
        .setType(dev.flowtel.schema.AnomalyType.IP_SWEEP).setDestination(null).setDestinationPort(null)
        .setFirstSeen(START.minus(Duration.ofMinutes(30))).setLastSeen(START.plusSeconds(5)).build()));
    es.index(documents);
  }

  @AfterEach
  void close() {
    es.close();
  }

  @Test
  void aShortPeriodSumsTheBaseWindowsOnceEachAcrossPages() {
    TrafficHistoryQuery.Observed observed = new TrafficHistoryQuery(search, es.names, 10).observed(TWENTY_MINUTES);

    assertThat(observed.windowSize()).isEqualTo(Duration.ofSeconds(10));
    assertThat(observed.sizesPresent()).containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1));
    assertThat(observed.documents()).isEqualTo(6 + 6 + 24);
    assertThatTheMinuteIsSummedExactly(observed.edges(), START.plusSeconds(10));
  }

  @Test
  void aLongPeriodSumsTheRollupsWhenTheyCoverItAndCountsNothingTwice() {
    TrafficHistoryQuery.Observed observed = new TrafficHistoryQuery(search, es.names, 10).observed(DAY);

    assertThat(observed.windowSize()).isEqualTo(Duration.ofMinutes(1));
    assertThat(observed.documents()).isEqualTo(1 + 1 + 24);
    // A one-window edge was last seen at its window's end: the rollup's end, a minute after its start.
    assertThatTheMinuteIsSummedExactly(observed.edges(), START.plusSeconds(60));
  }

  @Test
  void aPeriodWithoutTrafficHasNoEdges() {
    HistoryPeriod before = new HistoryPeriod(START.minus(Duration.ofDays(10)), START.minus(Duration.ofDays(9)));
    assertThat(new TrafficHistoryQuery(search, es.names).observed(before).edges()).isEmpty();
  }

  @Test
  void theAnomaliesOpenDuringThePeriodAreSpans() {
    AnomalyHistoryQuery.Anomalies anomalies = new AnomalyHistoryQuery(search, es.names).open(TWENTY_MINUTES);

    assertThat(anomalies.spans()).containsExactly(
        new AnomalySpan("sweep-1", "IP_SWEEP", FRONTEND, null, null, START.minus(Duration.ofMinutes(30)), START.plusSeconds(5)),
        new AnomalySpan("scan-1", "PORT_SCAN", FRONTEND, new EdgeEnd(null, "External", "PUBLIC", NetworkClass.PUBLIC), 22,
            START, START.plusSeconds(32)));
    assertThat(anomalies.withoutSource()).isZero();
  }

  private static void assertThatTheMinuteIsSummedExactly(List<ObservedEdge> edges, Instant oneWindowEdgeLastSeen) {
    assertThat(edges).hasSize(26);
    assertThat(edges).contains(
        new ObservedEdge(new ServiceEdge(FRONTEND, CHECKOUT, 8080, 6), 24, 8_400, 18, 0, 30, START, START.plusSeconds(60), Set.of()),
        new ObservedEdge(new ServiceEdge(FRONTEND, new EdgeEnd(null, "External", "PRIVATE", NetworkClass.PRIVATE), ServiceEdge.ANY_PORT, 6),
            240, 6 * 4_000, 240, 240, 0, START, START.plusSeconds(60), Set.of()),
        new ObservedEdge(new ServiceEdge(new EdgeEnd("shop", "Deployment", "client-23", NetworkClass.POD), CHECKOUT, 8080, 6),
            4, 23 * 4, 3, 0, 0, START, oneWindowEdgeLastSeen, Set.of()));
  }
}
