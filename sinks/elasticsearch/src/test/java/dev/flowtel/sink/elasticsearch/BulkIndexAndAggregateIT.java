package dev.flowtel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.WithElasticsearch;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Given a real Elasticsearch 8.19 and an index of ECS-named traffic documents, when documents are
 * bulk-indexed (twice, with the same ids), then searches and core aggregations return exactly the
 * sums computed here, with no duplicates.
 */
@WithElasticsearch
@Timeout(180)
class BulkIndexAndAggregateIT {

  private static final List<String> SERVICES = List.of("checkout", "catalog", "payments", "kube-dns");

  private final ElasticsearchFixture elasticsearch;
  private RestClient rest;
  private ElasticsearchClient client;
  private final String index = "flowtel-it-traffic-" + UUID.randomUUID().toString().substring(0, 8);

  BulkIndexAndAggregateIT(ElasticsearchFixture elasticsearch) {
    this.elasticsearch = elasticsearch;
  }

  @BeforeEach
  void connect() throws IOException {
    rest = RestClient.builder(HttpHost.create(elasticsearch.url())).build();
    client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    client.indices().create(c -> c.index(index).withJson(new StringReader("""
        {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
         "mappings": {"dynamic": "strict", "properties": {
           "@timestamp": {"type": "date"},
           "source": {"properties": {"ip": {"type": "ip"}}},
           "destination": {"properties": {"ip": {"type": "ip"}, "port": {"type": "integer"}}},
           "network": {"properties": {"transport": {"type": "keyword"}, "bytes": {"type": "long"}, "packets": {"type": "long"}}},
           "orchestrator": {"properties": {"namespace": {"type": "keyword"}}},
           "flowtel": {"properties": {"destination_service": {"type": "keyword"}}}
         }}}
        """)));
  }

  @AfterEach
  void close() throws IOException {
    client.indices().delete(d -> d.index(index));
    rest.close();
  }

  @Test
  void bulkIndexedDocumentsAggregateToExactSumsAndReindexingDoesNotDuplicate() throws IOException {
    List<Map<String, Object>> documents = documents(2_000);
    assertThat(bulk(documents).errors()).isFalse();
    // The same ids again, as a replay after a crash would send them.
    assertThat(bulk(documents).errors()).isFalse();

    Map<String, Long> expectedBytes = new TreeMap<>();
    Map<String, Long> expectedCounts = new TreeMap<>();
    for (Map<String, Object> doc : documents) {
      String service = service(doc);
      expectedBytes.merge(service, bytes(doc), Long::sum);
      expectedCounts.merge(service, 1L, Long::sum);
    }

    SearchResponse<Void> response = client.search(s -> s.index(index).size(0).trackTotalHits(t -> t.enabled(true))
        .aggregations("by_service", a -> a.terms(t -> t.field("flowtel.destination_service").size(10))
            .aggregations("bytes", b -> b.sum(sum -> sum.field("network.bytes"))))
        .aggregations("per_minute", a -> a.dateHistogram(h -> h.field("@timestamp")
            .fixedInterval(i -> i.time("1m")))), Void.class);

    assertThat(response.hits().total().value()).isEqualTo(documents.size());
    Map<String, Long> actualBytes = new TreeMap<>();
    Map<String, Long> actualCounts = new TreeMap<>();
    for (StringTermsBucket bucket : response.aggregations().get("by_service").sterms().buckets().array()) {
      actualCounts.put(bucket.key().stringValue(), bucket.docCount());
      Aggregate sum = bucket.aggregations().get("bytes");
      actualBytes.put(bucket.key().stringValue(), (long) sum.sum().value());
    }
    assertThat(actualCounts).isEqualTo(expectedCounts);
    assertThat(actualBytes).isEqualTo(expectedBytes);
    long perMinuteTotal = response.aggregations().get("per_minute").dateHistogram().buckets().array().stream()
        .mapToLong(b -> b.docCount()).sum();
    assertThat(perMinuteTotal).isEqualTo(documents.size());
    // 2,000 documents one second apart span 34 minutes from a minute boundary.
    assertThat(response.aggregations().get("per_minute").dateHistogram().buckets().array()).hasSize(34);
  }

  @Test
  void aDocumentThatBreaksTheStrictMappingIsRejectedWithItsReason() throws IOException {
    BulkResponse response = client.bulk(b -> b.index(index).refresh(Refresh.True)
        .operations(op -> op.index(i -> i.id("bad").document(Map.of("@timestamp", "2026-11-26T10:00:00Z", "unmapped_field", 1)))));
    assertThat(response.errors()).isTrue();
    assertThat(response.items().get(0).error().type()).isEqualTo("strict_dynamic_mapping_exception");
    assertThat(response.items().get(0).error().reason()).contains("unmapped_field");
  }

  private BulkResponse bulk(List<Map<String, Object>> documents) throws IOException {
    BulkRequest.Builder request = new BulkRequest.Builder().index(index).refresh(Refresh.True);
    for (Map<String, Object> doc : documents) {
      request.operations(op -> op.index(i -> i.id((String) doc.get("_flowtel_id")).document(withoutId(doc))));
    }
    return client.bulk(request.build());
  }

  private static Map<String, Object> withoutId(Map<String, Object> doc) {
    Map<String, Object> copy = new TreeMap<>(doc);
    copy.remove("_flowtel_id");
    return copy;
  }

  private static List<Map<String, Object>> documents(int count) {
    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    List<Map<String, Object>> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String service = SERVICES.get(i % SERVICES.size());
      docs.add(Map.of(
          "_flowtel_id", "edge-" + i,
          "@timestamp", start.plusSeconds(i).toString(),
          "source", Map.of("ip", "10.244.1." + (i % 250 + 1)),
          "destination", Map.of("ip", i % 2 == 0 ? "10.96.0.10" : "fd00::a", "port", 8080),
          "network", Map.of("transport", "tcp", "bytes", 100L + (i * 37L) % 1_000, "packets", 1L + i % 7),
          "orchestrator", Map.of("namespace", "shop"),
          "flowtel", Map.of("destination_service", service)));
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static String service(Map<String, Object> doc) {
    return (String) ((Map<String, Object>) doc.get("flowtel")).get("destination_service");
  }

  @SuppressWarnings("unchecked")
  private static long bytes(Map<String, Object> doc) {
    return (Long) ((Map<String, Object>) doc.get("network")).get("bytes");
  }
}
