package dev.flowtel.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Puts the Kafka Streams app's queries for the whole application ({@code /edges/top},
 * {@code /anomalies/open}) to each instance in turn, on a thread of its own, and keeps every answer
 * with what it said of itself: complete, partial (and which instances failed), retry later (503
 * with Retry-After, while partitions move), or neither, which is an error.
 */
final class FleetQueryWatch implements AutoCloseable {

  /** How one answer described itself. */
  enum Kind { COMPLETE, PARTIAL, RETRY_LATER, ERROR }

  /** One answer; {@code body} is the JSON of a 200, {@code brokerDown} whether a broker was down when it was asked. */
  record Answer(String url, Kind kind, int status, JsonNode body, String detail, boolean brokerDown) {}

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
  private final List<String> bases;
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean brokerDown;

  private FleetQueryWatch(List<String> bases) {
    this.bases = List.copyOf(bases);
    this.thread = new Thread(this::watch, "fleet-query-watch");
    this.thread.setDaemon(true);
  }

  /** Starts asking the instances at {@code bases} (http://host:port). */
  static FleetQueryWatch start(List<String> bases) {
    FleetQueryWatch watch = new FleetQueryWatch(bases);
    watch.thread.start();
    return watch;
  }

  void brokerDown(boolean down) {
    brokerDown = down;
  }

  List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** One answer of the instance at {@code base} to {@code pathAndQuery}, classified. */
  Answer ask(String base, String pathAndQuery) {
    String url = base + pathAndQuery;
    boolean down = brokerDown;
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(CLIENT_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status == 503 && response.headers().firstValue("Retry-After").isPresent()) {
        return new Answer(url, Kind.RETRY_LATER, status, null, response.body(), down);
      }
      if (status != 200) {
        return new Answer(url, Kind.ERROR, status, null, response.body(), down);
      }
      JsonNode body = json.readTree(response.body());
      String header = response.headers().firstValue("Flowtel-Partial").orElse(null);
      boolean partial = "true".equals(header);
      if (header == null || (body.has("partial") && body.get("partial").asBoolean() != partial)) {
        return new Answer(url, Kind.ERROR, status, body, "Flowtel-Partial header " + header + " with body " + response.body(), down);
      }
      return new Answer(url, partial ? Kind.PARTIAL : Kind.COMPLETE, status, body,
          response.headers().firstValue("Flowtel-Failed-Instances").orElse(""), down);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(url, Kind.ERROR, 0, null, "interrupted", down);
    } catch (Exception e) {
      return new Answer(url, Kind.ERROR, 0, null, e.toString(), down);
    }
  }

  private void watch() {
    List<String> questions = new ArrayList<>(List.of("/edges/top?n=10000&window=latest", "/anomalies/open"));
    int turn = 0;
    while (running && !Thread.currentThread().isInterrupted()) {
      String base = bases.get(turn % bases.size());
      answers.add(ask(base, questions.get((turn / bases.size()) % questions.size())));
      turn++;
      try {
        Thread.sleep(50); // how often to ask, not what is waited for
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(CLIENT_TIMEOUT.toMillis() * 2);
  }
}
