package dev.flowtel.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Given the answers of two instances, each for the partitions it holds, when they are merged,
 * then the result is what one instance holding every partition would answer.
 */
class QueryMergeTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-26T10:00:10Z");
  private static final Instant T2 = Instant.parse("2026-11-26T10:00:20Z");

  @Test
  void theTopNOfAWindowRanksBothInstancesEdgesTogetherByBytesThenEdge() {
    TopEdges a = new TopEdges(T1, T2, List.of(edge("shop/frontend->shop/cart:8080/6", 900, 0), edge("shop/a->shop/b:80/6", 300, 0)));
    TopEdges b = new TopEdges(T1, T2, List.of(edge("shop/c->shop/d:80/6", 500, 1), edge("shop/b->shop/c:80/6", 300, 0),
        edge("shop/e->shop/f:80/6", 100, 0)));

    TopEdges merged = QueryMerge.topEdges(4, T1, List.of(a, b));

    assertThat(merged.windowStart()).isEqualTo(T1);
    assertThat(merged.windowEnd()).isEqualTo(T2);
    assertThat(merged.edges()).extracting(EdgeRow::edge).containsExactly("shop/frontend->shop/cart:8080/6",
        "shop/c->shop/d:80/6", "shop/a->shop/b:80/6", "shop/b->shop/c:80/6");
    assertThat(merged.edges()).extracting(EdgeRow::bytes).containsExactly(900L, 500L, 300L, 300L);
  }

  @Test
  void answersForAnotherWindowAreLeftOutNotMixedIn() {
    TopEdges current = new TopEdges(T1, T2, List.of(edge("x->y:80/6", 10, 0)));
    TopEdges older = new TopEdges(T0, T1, List.of(edge("big->edge:80/6", 1_000_000, 3)));
    TopEdges none = TopEdges.none();

    assertThat(QueryMerge.latestWindow(List.of(older, none, current))).contains(T1);
    assertThat(QueryMerge.topEdges(10, T1, List.of(older, none, current)).edges()).extracting(EdgeRow::edge)
        .containsExactly("x->y:80/6");
    assertThat(QueryMerge.latestWindow(List.of(none, none))).isEmpty();
    assertThat(QueryMerge.topEdges(10, null, List.of(none, none))).isEqualTo(TopEdges.none());
  }

  @Test
  void anEdgeTwoInstancesAnswerFor_whilePartitionsMove_countsOnceAtItsLatestRevision() {
    TopEdges a = new TopEdges(T1, T2, List.of(edge("x->y:80/6", 100, 0)));
    TopEdges b = new TopEdges(T1, T2, List.of(edge("x->y:80/6", 140, 1)));

    assertThat(QueryMerge.topEdges(10, T1, List.of(a, b)).edges()).containsExactly(edge("x->y:80/6", 140, 1));
    assertThat(QueryMerge.topEdges(10, T1, List.of(b, a)).edges()).containsExactly(edge("x->y:80/6", 140, 1));
  }

  @Test
  void openAnomaliesAreTheUnionOnePerIdAtItsHighestRevisionNewestFirstThenById() {
    OpenAnomaly scanOld = anomaly("scan-1", T0, 0);
    OpenAnomaly scanNew = anomaly("scan-1", T2, 2);
    OpenAnomaly sweep = anomaly("sweep-1", T1, 0);
    OpenAnomaly edgeB = anomaly("edge-b", T1, 0);
    OpenAnomaly edgeA = anomaly("edge-a", T0, 1);

    List<OpenAnomaly> merged = QueryMerge.openAnomalies(List.of(List.of(sweep, scanOld, edgeA), List.of(scanNew, edgeB)));

    assertThat(merged).containsExactly(scanNew, edgeB, sweep, edgeA);
  }

  @Test
  void answersRoundTripThroughTheJsonInstancesSendEachOther() throws Exception {
    ObjectMapper json = new ObjectMapper();
    TopEdges top = new TopEdges(T1, T2, List.of(new EdgeRow("shop/a->-/external/1.2.3.4:443/6", "shop/deployment/a",
        "-/external/1.2.3.4", 443, 6, 5_000_000_000L, 4_000_000_000L, 1_000_000_000L, 12, 3, 2)));
    OpenAnomaly scan = new OpenAnomaly("scan-1", "PORT_SCAN", "HIGH", T0, T1, "shop/pod/a", null, null, "42 ports", 3);

    assertThat(TopEdges.fromJson(json.readTree(json.writeValueAsBytes(top.toJson())))).isEqualTo(top);
    assertThat(TopEdges.fromJson(json.readTree(json.writeValueAsBytes(TopEdges.none().toJson())))).isEqualTo(TopEdges.none());
    assertThat(OpenAnomaly.fromJson(json.readTree(json.writeValueAsBytes(scan.toJson())))).isEqualTo(scan);
  }

  static EdgeRow edge(String key, long bytes, int revision) {
    return new EdgeRow(key, "src", "dst", 80, 6, bytes, bytes, 0, 1, 1, revision);
  }

  static OpenAnomaly anomaly(String id, Instant lastSeen, int revision) {
    return new OpenAnomaly(id, "PORT_SCAN", "HIGH", T0, lastSeen, "shop/pod/a", null, null, "scan", revision);
  }
}
