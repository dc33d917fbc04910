package dev.flowtel.console.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * Search requests as JSON bodies, the same bodies a Kibana panel sends, so a query can be read,
 * logged and compared with the panel's. Missing indices answer empty rather than 404: a console
 * started before the first document is an empty map, not an error.
 */
public final class ElasticsearchSearch {

  private final RestClient rest;
  private final ObjectMapper json = new ObjectMapper();

  public ElasticsearchSearch(RestClient rest) {
    this.rest = rest;
  }

  public ObjectNode body() {
    return json.createObjectNode();
  }

  public JsonNode search(String indexPattern, ObjectNode body) {
    Request request = new Request("POST", "/" + indexPattern + "/_search");
    request.addParameter("ignore_unavailable", "true");
    request.addParameter("allow_no_indices", "true");
    try {
      request.setJsonEntity(json.writeValueAsString(body));
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return json.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("search on " + indexPattern + " failed: " + e.getMessage(), e);
    }
  }
}
