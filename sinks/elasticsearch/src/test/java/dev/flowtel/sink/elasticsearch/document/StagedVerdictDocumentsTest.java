package dev.flowtel.sink.elasticsearch.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Given one StagedPolicyVerdict, the document is exactly the ECS JSON below, in the staged-verdicts
 * index of its window's day, under an id of policy, edge and window start and without a version,
 * so a replayed verdict overwrites its document.
 */
class StagedVerdictDocumentsTest {

  private final StagedVerdictDocuments documents = new StagedVerdictDocuments(IndexNames.defaults());

  @Test
  void aVerdictBecomesThisEcsMetricDocument() throws Exception {
    StagedPolicyVerdict verdict = SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START);
    IndexDocument doc = documents.build(verdict);

    assertThat(doc.index()).isEqualTo("flowtel-staged-verdicts-2026.11.26");
    assertThat(doc.externalVersion()).as("emitted once per window: no revision to order by").isNull();
    assertThat(new ObjectMapper().writeValueAsString(doc.source())).isEqualTo("""
        {"@timestamp":"2026-11-26T10:00:00Z","ecs":{"version":"8.11.0"},\
        "message":"staged shop/deny-frontend would deny 5 of 12 connections (3 newly denied, 1 newly allowed) \
        on shop/Deployment/frontend -> shop/Service/checkout tcp/8080",\
        "event":{"kind":"metric","category":["network"],"type":["connection","info"],"module":"flowtel",\
        "dataset":"flowtel.staged_verdicts","start":"2026-11-26T10:00:00Z","end":"2026-11-26T10:00:10Z","duration":10000000000},\
        "destination":{"port":8080},"network":{"transport":"tcp","iana_number":"6","direction":"internal"},\
        "orchestrator":{"type":"kubernetes","namespace":"shop","resource":{"type":"deployment","name":"frontend"}},\
        "kubernetes":{"namespace":"shop","deployment":{"name":"frontend"}},\
        "flowtel":{"edge":{"id":"%s","name":"shop/Deployment/frontend -> shop/Service/checkout tcp/8080"},\
        "source":{"id":"shop/Deployment/frontend","namespace":"shop","kind":"Deployment","name":"frontend","network_class":"POD"},\
        "destination":{"id":"shop/Service/checkout","namespace":"shop","kind":"Service","name":"checkout","network_class":"SERVICE"},\
        "staged":{"policy":{"namespace":"shop","name":"deny-frontend","id":"shop/deny-frontend"},\
        "would_allow_flows":7,"would_deny_flows":5,"newly_denied_flows":3,"newly_allowed_flows":1,"would_deny_bytes":4096,\
        "explanation":"shop/deny-frontend selects shop/checkout for Ingress and no rule admits shop/frontend on 8080/TCP"}}}"""
        .formatted(TrafficDocuments.edgeId(SampleRecords.traffic("frontend", "checkout", SampleRecords.WINDOW_START, 0, 1))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aVerdictWithoutExplanationToAnExternalEndLeavesTheFieldsItHasNot() {
    StagedPolicyVerdict verdict = StagedPolicyVerdict.newBuilder(SampleRecords.stagedVerdict("egress", SampleRecords.WINDOW_START))
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(null).setKind("External").setName("PUBLIC")
            .setNetworkClass(NetworkClass.PUBLIC).build())
        .setDestinationPort(443).setProtocol(17).setNewlyDeniedFlows(0).setNewlyAllowedFlows(0).setExplanation(null).build();

    Map<String, Object> source = documents.build(verdict).source();

    assertThat(source.get("message")).isEqualTo("staged shop/egress would deny 5 of 12 connections on shop/Deployment/frontend"
        + " -> External/PUBLIC udp/443");
    assertThat((Map<String, Object>) source.get("network")).containsEntry("transport", "udp").containsEntry("direction", "outbound");
    Map<String, Object> flowtel = (Map<String, Object>) source.get("flowtel");
    assertThat((Map<String, Object>) flowtel.get("staged")).doesNotContainKey("explanation").containsEntry("newly_denied_flows", 0L);
    assertThat((Map<String, Object>) flowtel.get("destination")).doesNotContainKey("namespace").containsEntry("id", "External/PUBLIC");
  }

  /** The same key as the record's ({@code StagedPolicyWindows.recordKey}): one document per key, another for any other key. */
  @Test
  void theIdIsPolicyEdgeAndWindowStartAsTheRecordKeyIs() {
    StagedPolicyVerdict first = SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START);
    StagedPolicyVerdict replayed = StagedPolicyVerdict.newBuilder(first).build();
    StagedPolicyVerdict recounted = StagedPolicyVerdict.newBuilder(first).setWouldDenyFlows(6).setExplanation(null).build();
    List<StagedPolicyVerdict> others = List.of(
        SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START.plusSeconds(10)),
        SampleRecords.stagedVerdict("other-policy", SampleRecords.WINDOW_START),
        StagedPolicyVerdict.newBuilder(first).setPolicyNamespace("payments").build(),
        StagedPolicyVerdict.newBuilder(first).setSource(SampleRecords.workload("shop", "Deployment", "cart")).build(),
        StagedPolicyVerdict.newBuilder(first).setDestinationPort(8443).build(),
        StagedPolicyVerdict.newBuilder(first).setProtocol(17).build());

    assertThat(documents.build(replayed).id()).isEqualTo(documents.build(first).id()).hasSize(32);
    assertThat(documents.build(recounted).id()).as("counts are not part of the key").isEqualTo(documents.build(first).id());
    assertThat(StagedPolicyWindows.recordKey(recounted)).isEqualTo(StagedPolicyWindows.recordKey(first));
    for (StagedPolicyVerdict other : others) {
      assertThat(documents.build(other).id()).as(StagedPolicyWindows.recordKey(other)).isNotEqualTo(documents.build(first).id());
      assertThat(StagedPolicyWindows.recordKey(other)).isNotEqualTo(StagedPolicyWindows.recordKey(first));
    }
    assertThat(documents.build(others.get(0)).index()).isEqualTo("flowtel-staged-verdicts-2026.11.26");
  }
}
