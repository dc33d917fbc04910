package dev.flowtel.sink.elasticsearch.document;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Anomalies are keyed by their own id and versioned by revision; flows by observation point, 5-tuple and interval. */
class AnomalyAndFlowDocumentsTest {

  @Test
  @SuppressWarnings("unchecked")
  void anAnomalyIsAnAlertUnderItsOwnIdInTheMonthItWasFirstSeen() {
    IndexDocument doc = new AnomalyDocuments(new IndexNames("t-")).build(SampleRecords.anomaly("scan-1", 4, "10.244.1.5"));

    assertThat(doc.index()).isEqualTo("t-anomalies-2026.11");
    assertThat(doc.id()).isEqualTo("scan-1");
    assertThat(doc.externalVersion()).isEqualTo(4L);
    Map<String, Object> event = (Map<String, Object>) doc.source().get("event");
    assertThat(event).containsEntry("kind", "alert").containsEntry("severity", 4).containsEntry("id", "scan-1");
    Map<String, Object> flowtel = (Map<String, Object>) doc.source().get("flowtel");
    assertThat((Map<String, Object>) flowtel.get("evidence"))
        .containsEntry("text", "distinctPorts=40 flows=41; zScore=4.5")
        .containsEntry("counters", new java.util.TreeMap<>(Map.of("distinctPorts", 40L, "flows", 41L)));
    assertThat((Map<String, Object>) doc.source().get("network")).containsEntry("direction", "outbound");
    assertThat((Map<String, Object>) doc.source().get("source")).containsEntry("ip", "10.244.1.5");
    assertThat((Map<String, Object>) doc.source().get("destination")).containsEntry("ip", "203.0.113.7").containsEntry("port", 22);
  }

  @Test
  @SuppressWarnings("unchecked")
  void anAnomalyNamesAnAddressInEcsOnlyWhenEverySampleFlowHasIt() {
    PolicyAnomaly sweep = SampleRecords.anomaly("sweep-1", 0, "10.244.1.5");
    FlowSample first = sweep.getEvidence().getSampleFlows().get(0);
    sweep.getEvidence().setSampleFlows(List.of(first,
        FlowSample.newBuilder(first).setDstAddr("203.0.113.8").build(), FlowSample.newBuilder(first).setDstAddr("203.0.113.9").build()));

    IndexDocument doc = new AnomalyDocuments(IndexNames.defaults()).build(sweep);

    assertThat((Map<String, Object>) doc.source().get("source")).containsEntry("ip", "10.244.1.5");
    assertThat((Map<String, Object>) doc.source().get("destination")).doesNotContainKey("ip").containsEntry("port", 22);

    PolicyAnomaly malformed = SampleRecords.anomaly("bad-1", 0, "not-an-address");
    assertThat((Map<String, Object>) new AnomalyDocuments(IndexNames.defaults()).build(malformed).source().get("source"))
        .as("a sample address that is no IP literal stays in the sample only").isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFlowIsAnEcsNetworkEventWithAddressesAndCommunityId() {
    IndexDocument doc = new FlowDocuments(IndexNames.defaults(), 1).build(SampleRecords.flow());

    assertThat(doc.index()).isEqualTo("flowtel-flows-2026.11.26");
    assertThat(doc.externalVersion()).isNull();
    assertThat((Map<String, Object>) doc.source().get("source")).containsEntry("ip", "10.244.1.5").containsEntry("port", 40000);
    assertThat((Map<String, Object>) doc.source().get("network")).containsEntry("community_id", "1:LQU9qZlK+B5F3KDmev6m5PMibrg=")
        .containsEntry("direction", "egress").containsEntry("type", "ipv4");
    Map<String, Object> tcp = (Map<String, Object>) ((Map<String, Object>) doc.source().get("flowtel")).get("tcp");
    assertThat(tcp).containsEntry("flag_names", java.util.List.of("SYN", "ACK"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFlowToAResolvedExternalAddressCarriesTheNameAsDestinationDomain() {
    FlowEvent named = FlowEvent.newBuilder(SampleRecords.flow())
        .setDstAddr(java.nio.ByteBuffer.wrap(new byte[] {104, 20, 67, (byte) 143}))
        .setDestination(Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setNetworkClass(NetworkClass.PUBLIC)
            .setDomain("api.example.com").build())
        .build();

    IndexDocument doc = new FlowDocuments(IndexNames.defaults(), 1).build(named);

    assertThat((Map<String, Object>) doc.source().get("destination")).containsEntry("ip", "104.20.67.143")
        .containsEntry("domain", "api.example.com");
    assertThat((Map<String, Object>) doc.source().get("source")).doesNotContainKey("domain");
    assertThat((Map<String, Object>) new FlowDocuments(IndexNames.defaults(), 1).build(SampleRecords.flow()).source().get("destination"))
        .doesNotContainKey("domain");
  }

  @Test
  void samplingKeepsAboutOneInNAndAlwaysTheSameFlows() {
    FlowDocuments oneInTen = new FlowDocuments(IndexNames.defaults(), 10);
    long kept = IntStream.range(0, 10_000).mapToObj(i -> FlowEvent.newBuilder(SampleRecords.flow()).setSrcPort(i).build())
        .filter(oneInTen::keeps).count();
    assertThat(kept).isBetween(850L, 1150L);
    FlowEvent flow = SampleRecords.flow();
    assertThat(IntStream.range(0, 5).mapToObj(i -> oneInTen.keeps(flow)).distinct()).hasSize(1);
  }
}
