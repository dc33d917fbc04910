package dev.flowtel.sink.elasticsearch.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * Posts saved objects to Kibana's saved-objects import API
 * ({@code POST /api/saved_objects/_import?overwrite=true}, multipart with one NDJSON file), so
 * importing twice updates the objects instead of duplicating them.
 */
public final class KibanaImport {

  /** What Kibana answered: how many objects it imported, and its error lines when it refused some. */
  public record Result(boolean success, int successCount, String errors) {}

  private final URI kibana;
  private final String authorization;
  private final HttpClient http;

  /** {@code authorization} is the Authorization header value or null; {@code ssl} null for the JVM's default trust. */
  public KibanaImport(URI kibana, String authorization, SSLContext ssl) {
    this.kibana = kibana;
    this.authorization = authorization;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  public Result importObjects(String ndjson, String space) throws IOException, InterruptedException {
    String boundary = "flowtel-" + UUID.randomUUID();
    String body = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"" + KibanaSavedObjects.FILE_NAME + "\"\r\n"
        + "Content-Type: application/ndjson\r\n\r\n"
        + ndjson + "\r\n--" + boundary + "--\r\n";
    String base = kibana.toString().replaceAll("/+$", "");
    String path = (space == null || space.isBlank() ? "" : "/s/" + space) + "/api/saved_objects/_import?overwrite=true";
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("kbn-xsrf", "flowtel")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("Kibana answered " + response.statusCode() + " to " + path + ": " + response.body());
    }
    JsonNode answer = new ObjectMapper().readTree(response.body());
    return new Result(answer.path("success").asBoolean(), answer.path("successCount").asInt(),
        answer.has("errors") ? answer.get("errors").toString() : "");
  }
}
