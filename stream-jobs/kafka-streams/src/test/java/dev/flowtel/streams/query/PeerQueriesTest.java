package dev.flowtel.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Given another instance's HTTP server that answers, refuses, fails or never answers, when this
 * instance asks it for its share, then it gets the answer, or a failure naming the cause within
 * the peer timeout, never a hang.
 */
class PeerQueriesTest {

  private final HttpServer peer = server();
  /** Answers are awaited far longer than a busy machine takes; only a peer that never answers meets the timeout. */
  private final PeerQueries queries = new PeerQueries(Duration.ofSeconds(30));
  private final PeerQueries impatient = new PeerQueries(Duration.ofMillis(300));
  private final CountDownLatch never = new CountDownLatch(1);
  private final AtomicReference<String> asked = new AtomicReference<>();

  @AfterEach
  void stop() {
    never.countDown();
    peer.stop(0);
    queries.close();
    impatient.close();
  }

  @Test
  void asksForTheLocalShareAndReadsTheAnswer() throws Exception {
    answer("/edges/top", 200, """
        {"windowStart":"2026-11-26T10:00:10Z","windowEnd":"2026-11-26T10:00:20Z","edges":[{"edge":"a->b:80/6",
        "source":"src","destination":"dst","destinationPort":80,"protocol":6,"bytes":900,"bytesToDestination":900,
        "bytesToSource":0,"flows":1,"distinctSourcePods":1,"revision":0}],"partial":false,"failedInstances":[]}""");
    answer("/anomalies/open", 200, """
        [{"id":"scan-1","type":"PORT_SCAN","severity":"HIGH","firstSeen":"2026-11-26T10:00:00Z",
        "lastSeen":"2026-11-26T10:00:20Z","source":"shop/pod/a","destination":null,"destinationPort":null,
        "summary":"scan","revision":0}]""");

    TopEdges top = queries.topEdges(self(), 5, "2026-11-26T10:00:15Z").get(60, TimeUnit.SECONDS);
    assertThat(asked.get()).isEqualTo("/edges/top?n=5&window=2026-11-26T10%3A00%3A15Z&scope=local");
    assertThat(top).isEqualTo(new TopEdges(Instant.parse("2026-11-26T10:00:10Z"), Instant.parse("2026-11-26T10:00:20Z"),
        List.of(QueryMergeTest.edge("a->b:80/6", 900, 0))));

    List<OpenAnomaly> open = queries.openAnomalies(self()).get(60, TimeUnit.SECONDS);
    assertThat(asked.get()).isEqualTo("/anomalies/open?scope=local");
    assertThat(open).containsExactly(QueryMergeTest.anomaly("scan-1", Instant.parse("2026-11-26T10:00:20Z"), 0));
  }

  @Test
  void anErrorStatusFailsWithTheStatusAndTheBody() {
    answer("/anomalies/open", 503, "{\"error\":\"the application is rebalancing\"}");

    assertThatThrownBy(() -> queries.openAnomalies(self()).get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().hasMessage("HTTP 503 from /anomalies/open?scope=local: {\"error\":\"the application is rebalancing\"}");
  }

  @Test
  void aPeerThatNeverAnswersFailsAtTheTimeoutAndTheFleetAnswerIsPartial() {
    peer.createContext("/edges/top", exchange -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    FleetQueries.Local self = new FleetQueries.Local() {
      @Override
      public TopEdges topEdges(int n, String window) {
        return new TopEdges(Instant.parse("2026-11-26T10:00:10Z"), Instant.parse("2026-11-26T10:00:20Z"),
            List.of(QueryMergeTest.edge("x->y:80/6", 10, 0)));
      }

      @Override
      public List<OpenAnomaly> openAnomalies() {
        return List.of();
      }
    };

    assertThatThrownBy(() -> impatient.topEdges(self(), 5, "latest").get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOfAny(java.net.http.HttpTimeoutException.class,
            java.util.concurrent.TimeoutException.class);
    FleetAnswer<TopEdges> answer = new FleetQueries(self, () -> List.of(self()), impatient, Duration.ofMillis(300))
        .topEdges(5, "latest");
    assertThat(answer.answer().edges()).extracting(EdgeRow::edge).containsExactly("x->y:80/6");
    assertThat(answer.failedInstances()).containsOnlyKeys("127.0.0.1:" + peer.getAddress().getPort());
  }

  @Test
  void aPeerThatIsGoneFailsWithoutWaiting() {
    peer.stop(0);

    assertThatThrownBy(() -> queries.openAnomalies(self()).get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(java.net.ConnectException.class);
  }

  private HostInfo self() {
    return new HostInfo("127.0.0.1", peer.getAddress().getPort());
  }

  private void answer(String path, int status, String body) {
    peer.createContext(path, exchange -> {
      asked.set(exchange.getRequestURI().toString());
      send(exchange, status, body.replace("\n", ""));
    });
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static HttpServer server() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
      return server;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
