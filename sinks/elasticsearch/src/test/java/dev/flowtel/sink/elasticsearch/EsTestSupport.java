package dev.flowtel.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.elasticsearch.client.Request;

/** Shared steps of the Elasticsearch ITs: a unique index prefix per test (data streams and templates outlive tests), setup, counts and sums. */
public final class EsTestSupport implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public final IndexNames names = new IndexNames("it" + UUID.randomUUID().toString().substring(0, 8) + "-");
  public final ElasticsearchClients clients;

  public EsTestSupport(String url) {
    clients = ElasticsearchClients.open(ElasticsearchConnection.to(url));
  }

  public IndexSettings settings() {
    return IndexSettings.defaults(names).withReplicas(0).withRefreshInterval("1s").withFlows(true);
  }

  public void setup() {
    new IndexSetup(clients.rest(), settings()).install();
  }

  public ElasticsearchClient client() {
    return clients.client();
  }

  public long count(String pattern) {
    try {
      client().indices().refresh(r -> r.index(pattern).allowNoIndices(true));
      return client().count(c -> c.index(pattern).allowNoIndices(true)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long sum(String pattern, String field) {
    try {
      client().indices().refresh(r -> r.index(pattern).allowNoIndices(true));
      SearchResponse<Void> response = client().search(s -> s.index(pattern).size(0)
          .aggregations("total", a -> a.sum(x -> x.field(field))), Void.class);
      return (long) response.aggregations().get("total").sum().value();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Indexes documents as the sink's writer would (external versions, so a lower revision never
   * replaces a higher one) and makes them searchable before returning; fails on any refusal.
   */
  public void index(List<IndexDocument> documents) {
    if (documents.isEmpty()) {
      return;
    }
    try {
      StringBuilder body = new StringBuilder();
      for (IndexDocument d : documents) {
        // Without an external version (flows, staged verdicts) the writer overwrites; so does this.
        Map<String, Object> action = d.externalVersion() == null ? Map.of("_index", d.index(), "_id", d.id())
            : Map.of("_index", d.index(), "_id", d.id(), "version", d.externalVersion(), "version_type", "external");
        body.append(JSON.writeValueAsString(Map.of("index", action))).append('\n');
        body.append(JSON.writeValueAsString(d.source())).append('\n');
      }
      Request request = new Request("POST", "/_bulk");
      request.addParameter("refresh", "true");
      request.setJsonEntity(body.toString());
      JsonNode answer = JSON.readTree(clients.rest().performRequest(request).getEntity().getContent());
      if (answer.path("errors").asBoolean()) {
        throw new IllegalStateException("bulk refused documents: " + answer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
