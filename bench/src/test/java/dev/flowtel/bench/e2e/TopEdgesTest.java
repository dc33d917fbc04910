package dev.flowtel.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.bench.e2e.TopEdges.EdgeBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopEdgesTest {

  private static final String WEB_TO_API = "shop/Deployment/web -> shop/Service/api tcp/8080";
  private static final String API_TO_DB = "shop/Deployment/api -> shop/Service/postgres tcp/5432";
  private static final String SCANNER = "lab/Deployment/probe -> shop/Deployment/api tcp/*";

  @Test
  void readsTheEdgesAndTheirBytesFromTheTermsAggregation() throws Exception {
    String response = """
        {"took": 3, "aggregations": {"edges": {"buckets": [
          {"key": "%s", "doc_count": 12, "bytes": {"value": 9.007199254740991E15}},
          {"key": "%s", "doc_count": 4, "bytes": {"value": 1200.0}}]}}}""".formatted(WEB_TO_API, API_TO_DB);

    TopEdges answer = TopEdges.from(new ObjectMapper().readTree(response));

    assertThat(answer.edges()).containsExactly(new EdgeBytes(WEB_TO_API, 9_007_199_254_740_991L), new EdgeBytes(API_TO_DB, 1200));
  }

  @Test
  void theSameEdgesWithTheSameBytesAreTheSameAnswer() {
    TopEdges raw = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000), new EdgeBytes(API_TO_DB, 3000)));
    TopEdges aggregates = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000), new EdgeBytes(API_TO_DB, 3000)));

    assertThat(raw.differencesFrom(aggregates)).isEmpty();
  }

  @Test
  void edgesWithEqualBytesMayComeInEitherOrder() {
    TopEdges raw = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 3000), new EdgeBytes(API_TO_DB, 3000)));
    TopEdges aggregates = new TopEdges(List.of(new EdgeBytes(API_TO_DB, 3000), new EdgeBytes(WEB_TO_API, 3000)));

    assertThat(raw.differencesFrom(aggregates)).isEmpty();
  }

  @Test
  void namesEveryEdgeWhoseBytesDifferOrThatOnlyOneAnswerHas() {
    TopEdges raw = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000), new EdgeBytes(API_TO_DB, 3000)));
    TopEdges aggregates = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 4990), new EdgeBytes(SCANNER, 3100)));

    assertThat(raw.differencesFrom(aggregates)).containsExactly(
        WEB_TO_API + ": 5000 bytes here, 4990 there",
        API_TO_DB + ": 3000 bytes here, not in the other top 2",
        SCANNER + ": 3100 bytes there, not in this top 2");
  }

  @Test
  void anAnswerNotOrderedByBytesDiffers() {
    TopEdges raw = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000), new EdgeBytes(API_TO_DB, 3000)));
    TopEdges aggregates = new TopEdges(List.of(new EdgeBytes(API_TO_DB, 3000), new EdgeBytes(WEB_TO_API, 5000)));

    assertThat(raw.differencesFrom(aggregates)).containsExactly("the other answer is not ordered by bytes at rank 2");
  }

  @Test
  void aShorterAnswerDiffers() {
    TopEdges raw = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000), new EdgeBytes(API_TO_DB, 3000)));
    TopEdges aggregates = new TopEdges(List.of(new EdgeBytes(WEB_TO_API, 5000)));

    assertThat(raw.differencesFrom(aggregates)).containsExactly("2 edges here, 1 there",
        API_TO_DB + ": 3000 bytes here, not in the other top 1");
  }
}
