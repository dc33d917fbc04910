package dev.flowtel.streams.query;

import static dev.flowtel.streams.query.QueryMergeTest.anomaly;
import static dev.flowtel.streams.query.QueryMergeTest.edge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * Given this instance and two others, each holding some partitions' windows and anomalies, when a
 * query is answered for the whole application, then the others are asked for their own share
 * ({@code scope=local}), a {@code latest} query is answered for the newest window of all, and an
 * instance that fails or never answers makes the answer partial instead of failing it.
 */
class FleetQueriesTest {

  private static final Instant T1 = Instant.parse("2026-11-26T10:00:10Z");
  private static final Instant T2 = Instant.parse("2026-11-26T10:00:20Z");
  private static final Instant T3 = Instant.parse("2026-11-26T10:00:30Z");
  private static final HostInfo B = new HostInfo("10.0.0.2", 8085);
  private static final HostInfo C = new HostInfo("10.0.0.3", 8085);

  /** Windows held by one instance: start to its edges. */
  private static final class Instance implements FleetQueries.Local {
    final Map<Instant, List<EdgeRow>> windows = new HashMap<>();
    final List<OpenAnomaly> open = new ArrayList<>();
    final List<String> asked = new ArrayList<>();

    @Override
    public TopEdges topEdges(int n, String window) {
      asked.add(window);
      Instant start = window.equals("latest") ? windows.keySet().stream().max(Instant::compareTo).orElse(null)
          : Instant.ofEpochMilli(StoreQueries.windowStart(window, 10_000));
      List<EdgeRow> rows = start == null ? null : windows.get(start);
      if (rows == null) {
        return window.equals("latest") ? TopEdges.none() : new TopEdges(start, start.plusSeconds(10), List.of());
      }
      List<EdgeRow> sorted = new ArrayList<>(rows);
      sorted.sort(QueryMerge.LARGEST_FIRST);
      return new TopEdges(start, start.plusSeconds(10), sorted.subList(0, Math.min(n, sorted.size())));
    }

    @Override
    public List<OpenAnomaly> openAnomalies() {
      return open;
    }
  }

  private final Instance self = new Instance();
  private final Map<HostInfo, Instance> others = Map.of(B, new Instance(), C, new Instance());
  private final Map<HostInfo, CompletableFuture<?>> broken = new HashMap<>();

  private final FleetQueries.Remote remote = new FleetQueries.Remote() {
    @Override
    public CompletableFuture<TopEdges> topEdges(HostInfo instance, int n, String window) {
      return answer(instance, () -> others.get(instance).topEdges(n, window));
    }

    @Override
    public CompletableFuture<List<OpenAnomaly>> openAnomalies(HostInfo instance) {
      return answer(instance, () -> others.get(instance).openAnomalies());
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> answer(HostInfo instance, java.util.function.Supplier<T> answer) {
      CompletableFuture<?> failure = broken.get(instance);
      return failure != null ? (CompletableFuture<T>) failure : CompletableFuture.completedFuture(answer.get());
    }
  };

  private final FleetQueries fleet = new FleetQueries(self, () -> List.of(B, C), remote, Duration.ofMillis(300));

  @Test
  void latestIsTheNewestWindowOfAllInstances_rankedTogetherFromEachInstancesTopN() {
    self.windows.put(T1, List.of(edge("a->b:80/6", 500, 0)));
    self.windows.put(T2, List.of(edge("a->b:80/6", 700, 0), edge("a->c:80/6", 50, 0)));
    self.windows.put(T3, List.of(edge("a->b:80/6", 300, 1)));
    others.get(B).windows.put(T2, List.of(edge("d->e:80/6", 9_999, 0)));
    others.get(B).windows.put(T3, List.of(edge("d->e:80/6", 600, 0), edge("d->f:80/6", 40, 0)));
    others.get(C).windows.put(T2, List.of(edge("g->h:80/6", 10_000, 0)));
    others.get(C).windows.put(T3, List.of(edge("g->h:80/6", 450, 2)));

    FleetAnswer<TopEdges> answer = fleet.topEdges(3, "latest");

    assertThat(answer.partial()).isFalse();
    assertThat(answer.answer().windowStart()).isEqualTo(T3);
    assertThat(answer.answer().windowEnd()).isEqualTo(T3.plusSeconds(10));
    assertThat(answer.answer().edges()).containsExactly(edge("d->e:80/6", 600, 0), edge("g->h:80/6", 450, 2),
        edge("a->b:80/6", 300, 1));
  }

  @Test
  void anInstanceWhoseNewestWindowIsOlderIsAskedAgainSoNoOlderEdgesAreRankedIn() {
    self.windows.put(T2, List.of(edge("a->b:80/6", 700, 0)));
    others.get(B).windows.put(T3, List.of(edge("d->e:80/6", 600, 0)));
    others.get(C).windows.put(T1, List.of(edge("g->h:80/6", 10_000, 0)));

    FleetAnswer<TopEdges> answer = fleet.topEdges(10, "latest");

    assertThat(answer.answer().windowStart()).isEqualTo(T3);
    assertThat(answer.answer().edges()).containsExactly(edge("d->e:80/6", 600, 0));
    assertThat(self.asked).containsExactly("latest", T3.toString());
    assertThat(others.get(B).asked).containsExactly("latest");
    assertThat(others.get(C).asked).containsExactly("latest", T3.toString());
  }

  @Test
  void anExplicitWindowIsAskedOnceOfEveryInstance() {
    self.windows.put(T2, List.of(edge("a->b:80/6", 700, 0)));
    others.get(B).windows.put(T2, List.of(edge("d->e:80/6", 800, 0)));
    others.get(B).windows.put(T3, List.of(edge("d->e:80/6", 900, 0)));

    FleetAnswer<TopEdges> answer = fleet.topEdges(10, "2026-11-26T10:00:25Z");

    assertThat(answer.answer().windowStart()).isEqualTo(T2);
    assertThat(answer.answer().edges()).containsExactly(edge("d->e:80/6", 800, 0), edge("a->b:80/6", 700, 0));
    assertThat(others.get(C).asked).containsExactly("2026-11-26T10:00:25Z");
  }

  @Test
  void aMalformedWindowFailsBeforeAnyInstanceIsAsked() {
    assertThatThrownBy(() -> fleet.topEdges(10, "yesterday")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window=yesterday: expected latest or an ISO-8601 instant");
    assertThat(others.get(B).asked).isEmpty();
  }

  @Test
  void anInstanceThatFailsOrNeverAnswersMakesThePartialAnswerNameIt() {
    self.windows.put(T2, List.of(edge("a->b:80/6", 700, 0)));
    self.open.add(anomaly("scan-1", T2, 0));
    others.get(B).windows.put(T3, List.of(edge("d->e:80/6", 600, 0)));
    broken.put(B, CompletableFuture.failedFuture(new IllegalStateException("HTTP 503 from /edges/top: rebalancing")));
    broken.put(C, new CompletableFuture<>()); // never completes

    FleetAnswer<TopEdges> top = fleet.topEdges(10, "latest");
    FleetAnswer<List<OpenAnomaly>> open = fleet.openAnomalies();

    assertThat(top.partial()).isTrue();
    assertThat(top.answer().windowStart()).isEqualTo(T2);
    assertThat(top.answer().edges()).containsExactly(edge("a->b:80/6", 700, 0));
    assertThat(top.failedInstances()).isEqualTo(Map.of("10.0.0.2:8085", "HTTP 503 from /edges/top: rebalancing",
        "10.0.0.3:8085", "no answer within 300 ms (--peer-query-timeout)"));
    assertThat(open.answer()).containsExactly(anomaly("scan-1", T2, 0));
    assertThat(open.failedInstances()).containsOnlyKeys("10.0.0.2:8085", "10.0.0.3:8085");
  }

  @Test
  void anInstanceThatFailsWhenAskedAgainForTheLatestWindowIsLeftOutAndNamed() {
    self.windows.put(T3, List.of(edge("a->b:80/6", 700, 0)));
    others.get(B).windows.put(T2, List.of(edge("d->e:80/6", 9_000, 0)));
    FleetQueries.Remote failingOnExactWindow = new FleetQueries.Remote() {
      @Override
      public CompletableFuture<TopEdges> topEdges(HostInfo instance, int n, String window) {
        return window.equals("latest") ? remote.topEdges(instance, n, window)
            : CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"));
      }

      @Override
      public CompletableFuture<List<OpenAnomaly>> openAnomalies(HostInfo instance) {
        return remote.openAnomalies(instance);
      }
    };

    FleetAnswer<TopEdges> top = new FleetQueries(self, () -> List.of(B), failingOnExactWindow, Duration.ofMillis(300))
        .topEdges(10, "latest");

    assertThat(top.answer().windowStart()).isEqualTo(T3);
    assertThat(top.answer().edges()).containsExactly(edge("a->b:80/6", 700, 0));
    assertThat(top.failedInstances()).isEqualTo(Map.of("10.0.0.2:8085", "Connection refused"));
  }

  @Test
  void openAnomaliesOfAllInstancesAreMergedOnePerId() {
    self.open.add(anomaly("scan-1", T1, 0));
    others.get(B).open.add(anomaly("scan-1", T3, 1));
    others.get(B).open.add(anomaly("sweep-1", T2, 0));
    others.get(C).open.add(anomaly("egress-1", T2, 0));

    FleetAnswer<List<OpenAnomaly>> open = fleet.openAnomalies();

    assertThat(open.partial()).isFalse();
    assertThat(open.answer()).containsExactly(anomaly("scan-1", T3, 1), anomaly("egress-1", T2, 0), anomaly("sweep-1", T2, 0));
  }
}
