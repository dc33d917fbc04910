package dev.flowtel.sink.elasticsearch.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import org.junit.jupiter.api.Test;

/** Given one ServiceTraffic window, the document is exactly the ECS JSON below, in the index of the window's day. */
class TrafficDocumentsTest {

  private final TrafficDocuments documents = new TrafficDocuments(IndexNames.defaults());

  @Test
  void aWindowBecomesThisEcsMetricDocument() throws Exception {
    IndexDocument doc = documents.build(SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 2, 1000));

    assertThat(doc.index()).isEqualTo("flowtel-traffic-2026.11.26");
    assertThat(doc.externalVersion()).isEqualTo(2L);
    assertThat(new ObjectMapper().writeValueAsString(doc.source())).isEqualTo("""
        {"@timestamp":"2026-11-26T10:00:00Z","ecs":{"version":"8.11.0"},\
        "event":{"kind":"metric","category":["network"],"type":["connection","info"],"module":"flowtel","dataset":"flowtel.traffic",\
        "start":"2026-11-26T10:00:00Z","end":"2026-11-26T10:00:10Z","duration":10000000000},\
        "source":{"bytes":1000,"packets":10},"destination":{"port":8080,"bytes":3000,"packets":12},\
        "network":{"transport":"tcp","iana_number":"6","bytes":4000,"packets":22,"direction":"internal"},\
        "orchestrator":{"type":"kubernetes","namespace":"shop","resource":{"type":"deployment","name":"frontend"}},\
        "kubernetes":{"namespace":"shop","deployment":{"name":"frontend"}},\
        "flowtel":{"edge":{"id":"%s","name":"shop/Deployment/frontend -> shop/Service/checkout tcp/8080"},\
        "source":{"id":"shop/Deployment/frontend","namespace":"shop","kind":"Deployment","name":"frontend","network_class":"POD"},\
        "destination":{"id":"shop/Service/checkout","namespace":"shop","kind":"Service","name":"checkout","network_class":"SERVICE"},\
        "flows":4,"connections":{"opened":3,"closed":2},"tcp":{"resets":1},"drops":5,"distinct_source_pods":2,\
        "rtt":{"p50_us":250,"p90_us":900,"p99_us":4000},"revision":2}}""".formatted(
        TrafficDocuments.edgeId(SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 1))));
  }

  @Test
  void theEdgeOfFailedAttemptsHasNoPortAndCarriesTheirCounts() throws Exception {
    IndexDocument doc = documents.build(SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 2_000, 1));

    assertThat(new ObjectMapper().writeValueAsString(doc.source())).isEqualTo("""
        {"@timestamp":"2026-11-26T10:00:00Z","ecs":{"version":"8.11.0"},\
        "event":{"kind":"metric","category":["network"],"type":["connection","info"],"module":"flowtel","dataset":"flowtel.traffic",\
        "start":"2026-11-26T10:00:00Z","end":"2026-11-26T10:00:10Z","duration":10000000000},\
        "source":{"bytes":120000,"packets":2000},"destination":{"bytes":80000,"packets":2000},\
        "network":{"transport":"tcp","iana_number":"6","bytes":200000,"packets":4000,"direction":"outbound"},\
        "orchestrator":{"type":"kubernetes","namespace":"shop","resource":{"type":"deployment","name":"frontend"}},\
        "kubernetes":{"namespace":"shop","deployment":{"name":"frontend"}},\
        "flowtel":{"edge":{"id":"%s","name":"shop/Deployment/frontend -> External/PRIVATE tcp/*"},\
        "source":{"id":"shop/Deployment/frontend","namespace":"shop","kind":"Deployment","name":"frontend","network_class":"POD"},\
        "destination":{"id":"External/PRIVATE","kind":"External","name":"PRIVATE","network_class":"PRIVATE"},\
        "flows":2000,"connections":{"opened":2000,"closed":0},"tcp":{"resets":2000},"drops":0,"distinct_source_pods":1,\
        "revision":0,"attempts":{"failed":2000,"distinct_destination_ports":2000,"distinct_destination_addresses":1}}}""".formatted(
        TrafficDocuments.edgeId(SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 1, 1))));
    ServiceTraffic samePortZero = ServiceTraffic.newBuilder(SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 1, 1))
        .setPortsFolded(false).build();
    assertThat(TrafficDocuments.edgeId(samePortZero))
        .isNotEqualTo(TrafficDocuments.edgeId(SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 1, 1)));
  }

  @Test
  void aRealEdgeKeepsTheIdItHadBeforeFailedAttemptsWereFolded() {
    ServiceTraffic window = SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 1000);
    // The id as it was computed before: the port as an Integer part.
    assertThat(TrafficDocuments.edgeId(window)).isEqualTo(DocumentIds.of("edge", "shop", "Deployment", "frontend", "shop",
        "Service", "checkout", 8080, 6));
  }

  @Test
  void aRevisionKeepsTheIdAndAnotherWindowOrEdgeChangesIt() {
    ServiceTraffic first = SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 1000);
    ServiceTraffic revised = SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 3, 1500);
    ServiceTraffic nextWindow = SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START.plusSeconds(10), 0, 1000);
    ServiceTraffic otherEdge = SampleRecords.traffic("frontend", "catalog", SampleRecords.WINDOW_START, 0, 1000);
    ServiceTraffic longerWindow = ServiceTraffic.newBuilder(first).setWindowEnd(SampleRecords.WINDOW_START.plusSeconds(60)).build();

    assertThat(documents.build(revised).id()).isEqualTo(documents.build(first).id()).hasSize(32);
    assertThat(documents.build(nextWindow).id()).isNotEqualTo(documents.build(first).id());
    assertThat(documents.build(otherEdge).id()).isNotEqualTo(documents.build(first).id());
    assertThat(documents.build(longerWindow).id()).isNotEqualTo(documents.build(first).id());
    assertThat(TrafficDocuments.edgeId(nextWindow)).isEqualTo(TrafficDocuments.edgeId(first));
  }

  @Test
  void idsDoNotCollideWhenFieldsShiftBetweenParts() {
    assertThat(DocumentIds.of("ab", "c")).isNotEqualTo(DocumentIds.of("a", "bc"));
    assertThat(DocumentIds.of((Object) null)).isNotEqualTo(DocumentIds.of(""));
  }
}
