package dev.flowtel.sink.elasticsearch.document;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Given shop/checkout's query for api.example.com through kube-dns, the document is these ECS dns.* fields, in the day's DNS index. */
class DnsDocumentsTest {

  private final DnsDocuments documents = new DnsDocuments(IndexNames.defaults());

  @Test
  @SuppressWarnings("unchecked")
  void anAnsweredQueryIsAnEcsDnsEventWithItsAnswersLatencyAndWorkloads() {
    IndexDocument doc = documents.build(SampleRecords.dnsTransaction());

    assertThat(doc.index()).isEqualTo("flowtel-dns-2026.11.26");
    assertThat(doc.externalVersion()).isNull();
    assertThat(doc.id()).isEqualTo(DnsDocuments.documentId(SampleRecords.dnsTransaction()));
    Map<String, Object> s = doc.source();
    assertThat((Map<String, Object>) s.get("dns")).isEqualTo(Map.of(
        "type", "answer",
        "id", "4660",
        "question", Map.of("name", "api.example.com", "type", "A"),
        "response_code", "NOERROR",
        "answers", List.of(Map.of("data", "104.20.67.143", "ttl", 300L), Map.of("data", "172.67.1.1", "ttl", 300L)),
        "resolved_ip", List.of("104.20.67.143", "172.67.1.1")));
    assertThat((Map<String, Object>) s.get("event")).containsEntry("duration", 2_500_000L).containsEntry("outcome", "success")
        .containsEntry("dataset", "flowtel.dns");
    assertThat((Map<String, Object>) s.get("client")).isEqualTo(Map.of("ip", "10.244.1.5", "port", 40_001));
    assertThat((Map<String, Object>) s.get("server")).isEqualTo(Map.of("ip", "10.96.0.10", "port", 53));
    Map<String, Object> flowtel = (Map<String, Object>) s.get("flowtel");
    assertThat((Map<String, Object>) flowtel.get("client")).containsEntry("id", "shop/Deployment/checkout")
        .containsEntry("pod", "checkout-7d9f-abcde");
    assertThat((Map<String, Object>) flowtel.get("server")).containsEntry("namespace", "kube-system")
        .containsEntry("services", List.of("kube-dns")).containsEntry("endpoint_kind", "SERVICE");
    assertThat((Map<String, Object>) s.get("kubernetes")).containsEntry("namespace", "shop");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anUnansweredQueryFailsAndAnNxdomainIsAnAnswerWithItsCode() {
    DnsTransaction unanswered = DnsTransaction.newBuilder(SampleRecords.dnsTransaction()).setResponseTime(null).setLatencyNanos(null)
        .setResponseCode(null).setAnswerCount(0).setAnswers(List.of()).build();
    Map<String, Object> u = documents.build(unanswered).source();
    assertThat((Map<String, Object>) u.get("dns")).containsEntry("type", "query").doesNotContainKeys("response_code", "answers");
    assertThat((Map<String, Object>) u.get("event")).containsEntry("outcome", "failure").doesNotContainKey("duration");

    DnsTransaction nxdomain = DnsTransaction.newBuilder(unanswered).setResponseCode(3).setQueryType(28).build();
    Map<String, Object> n = documents.build(nxdomain).source();
    assertThat((Map<String, Object>) n.get("dns")).containsEntry("response_code", "NXDOMAIN")
        .containsEntry("question", Map.of("name", "api.example.com", "type", "AAAA"));
    assertThat(DnsDocuments.queryType(99)).isEqualTo("TYPE99");
  }
}
