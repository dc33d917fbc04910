package dev.flowtel.sink.elasticsearch.connection;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.elasticsearch.client.RestClient;

/** An open connection: the low-level client (for templates, as raw JSON) and the typed client (for bulk). */
public final class ElasticsearchClients implements AutoCloseable {

  private final RestClient rest;
  private final ElasticsearchClient client;

  private ElasticsearchClients(RestClient rest) {
    this.rest = rest;
    this.client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
  }

  public static ElasticsearchClients open(ElasticsearchConnection connection) {
    return new ElasticsearchClients(connection.restClient());
  }

  public RestClient rest() {
    return rest;
  }

  public ElasticsearchClient client() {
    return client;
  }

  @Override
  public void close() {
    try {
      rest.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the Elasticsearch client", e);
    }
  }
}
