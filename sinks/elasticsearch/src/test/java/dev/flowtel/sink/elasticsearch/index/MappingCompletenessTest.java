package dev.flowtel.sink.elasticsearch.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.SampleRecords;
import dev.flowtel.sink.elasticsearch.document.AnomalyDocuments;
import dev.flowtel.sink.elasticsearch.document.DocumentFields;
import dev.flowtel.sink.elasticsearch.document.FlowDocuments;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.StagedVerdictDocuments;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every field a document builder can emit is mapped explicitly, with a type that accepts its
 * value; the indices are {@code dynamic: strict}, so a field missing here would be rejected by
 * Elasticsearch rather than silently guessed.
 */
class MappingCompletenessTest {

  private final IndexNames names = IndexNames.defaults();

  @Test
  void theIndicesRejectUnmappedFields() {
    assertThat(IndexTemplates.effectiveMappings(Kind.TRAFFIC).get("dynamic").asText()).isEqualTo("strict");
    assertThat(IndexTemplates.effectiveMappings(Kind.TRAFFIC).get("date_detection").asBoolean()).isFalse();
  }

  @Test
  void everyTrafficFieldIsMapped() {
    assertAllMapped(Kind.TRAFFIC, List.of(), new TrafficDocuments(names).build(SampleRecords.traffic("a", "b", SampleRecords.WINDOW_START, 1, 10)),
        new TrafficDocuments(names).build(SampleRecords.failedAttempts(SampleRecords.WINDOW_START, 2_000, 1)));
  }

  @Test
  void everyAnomalyFieldIsMapped() {
    PolicyAnomaly full = SampleRecords.anomaly("x", 1, "10.0.0.1");
    PolicyAnomaly bare = PolicyAnomaly.newBuilder(full).setSource(null).setDestination(null).setProtocol(null).setDestinationPort(null).build();
    AnomalyDocuments builder = new AnomalyDocuments(names);
    assertAllMapped(Kind.ANOMALIES, AnomalyDocuments.FLATTENED_FIELDS, builder.build(full), builder.build(bare));
  }

  @Test
  void everyStagedVerdictFieldIsMapped() {
    StagedPolicyVerdict full = SampleRecords.stagedVerdict("deny-frontend", SampleRecords.WINDOW_START);
    StagedPolicyVerdict bare = StagedPolicyVerdict.newBuilder(full).setExplanation(null).build();
    StagedVerdictDocuments builder = new StagedVerdictDocuments(names);
    assertAllMapped(Kind.STAGED_VERDICTS, List.of(), builder.build(full), builder.build(bare));
    assertThat(IndexTemplates.effectiveMappings(Kind.STAGED_VERDICTS).get("dynamic").asText()).isEqualTo("strict");
  }

  @Test
  void everyFlowFieldIsMapped() {
    FlowEvent tcp = SampleRecords.flow();
    FlowEvent icmp = FlowEvent.newBuilder(tcp).setProtocol(1).setIcmpType(8).setIcmpCode(0).setSrcPort(0).setDstPort(0)
        .setIpVersion(6).setSrcAddr(java.nio.ByteBuffer.wrap(new byte[16])).setDstAddr(java.nio.ByteBuffer.wrap(new byte[16])).build();
    dev.flowtel.schema.Endpoint named = dev.flowtel.schema.Endpoint.newBuilder().setKind(dev.flowtel.schema.EndpointKind.EXTERNAL)
        .setNetworkClass(dev.flowtel.schema.NetworkClass.PUBLIC).setDomain("api.example.com").build();
    FlowEvent external = FlowEvent.newBuilder(tcp).setDestination(named).build();
    FlowEvent reply = FlowEvent.newBuilder(tcp).setSource(named).build();
    FlowDocuments builder = new FlowDocuments(names, 1);
    assertAllMapped(Kind.FLOWS, FlowDocuments.FLATTENED_FIELDS, builder.build(tcp), builder.build(icmp), builder.build(external),
        builder.build(reply));
  }

  @Test
  void everyDnsFieldIsMapped() {
    dev.flowtel.schema.DnsTransaction answered = dev.flowtel.sink.elasticsearch.SampleRecords.dnsTransaction();
    dev.flowtel.schema.DnsTransaction truncated = dev.flowtel.schema.DnsTransaction.newBuilder(answered).setTruncated(true)
        .setAnswersTruncated(true).setServer(dev.flowtel.schema.Endpoint.newBuilder().setKind(dev.flowtel.schema.EndpointKind.EXTERNAL)
            .setNetworkClass(dev.flowtel.schema.NetworkClass.PUBLIC).setDomain("dns.google").build()).build();
    dev.flowtel.sink.elasticsearch.document.DnsDocuments builder = new dev.flowtel.sink.elasticsearch.document.DnsDocuments(names);
    assertAllMapped(Kind.DNS, java.util.List.of(), builder.build(answered), builder.build(truncated));
  }

  private static void assertAllMapped(Kind kind, Collection<String> flattened, IndexDocument... documents) {
    JsonNode mappings = IndexTemplates.effectiveMappings(kind);
    List<String> problems = new ArrayList<>();
    for (IndexDocument doc : documents) {
      for (String field : DocumentFields.leafNames(doc.source(), flattened)) {
        JsonNode mapping = fieldMapping(mappings, field);
        if (mapping == null) {
          problems.add(field + " is not mapped");
          continue;
        }
        String type = mapping.path("type").asText("object");
        Object value = valueOf(doc.source(), field);
        if (!accepts(type, value, flattened.contains(field))) {
          problems.add(field + " is mapped as " + type + " but the builder writes " + value);
        }
      }
    }
    assertThat(problems).as(kind + " mapping problems").isEmpty();
  }

  /** The mapping of a dotted field name, or null. */
  static JsonNode fieldMapping(JsonNode mappings, String field) {
    JsonNode node = mappings;
    for (String part : field.split("\\.")) {
      node = node.path("properties").get(part);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Object valueOf(Map<String, Object> source, String field) {
    Object node = source;
    for (String part : field.split("\\.")) {
      if (node instanceof List<?> list) {
        node = list.get(0);
      }
      node = ((Map<String, Object>) node).get(part);
    }
    return node instanceof List<?> list && !list.isEmpty() ? list.get(0) : node;
  }

  private static boolean accepts(String type, Object value, boolean flattened) {
    if (flattened) {
      return type.equals("flattened") && value instanceof Map;
    }
    return switch (type) {
      case "long", "integer" -> value instanceof Long || value instanceof Integer;
      case "double", "float" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "keyword", "text", "ip", "date" -> value instanceof String;
      default -> false;
    };
  }
}
