package dev.flowtel.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An answer to "top service edges by bytes": edges with their bytes, most bytes first, as Elasticsearch returned them. */
record TopEdges(List<EdgeBytes> edges) {

  /** One edge of the answer: its name ({@code flowtel.edge.name}) and its bytes in the time range. */
  record EdgeBytes(String edge, long bytes) {}

  TopEdges {
    edges = List.copyOf(edges);
  }

  /** The answer in a search response of {@link TopEdgesQuery}: the buckets of its {@code edges} terms aggregation. */
  static TopEdges from(JsonNode response) {
    List<EdgeBytes> edges = new ArrayList<>();
    for (JsonNode bucket : response.path("aggregations").path("edges").path("buckets")) {
      edges.add(new EdgeBytes(bucket.path("key").asText(), Math.round(bucket.path("bytes").path("value").asDouble())));
    }
    return new TopEdges(edges);
  }

  /**
   * How {@code other} differs from this answer, one line per difference; empty when both name the
   * same edges with the same bytes. Order is compared through the bytes: two edges with equal bytes
   * may come in either order.
   */
  List<String> differencesFrom(TopEdges other) {
    List<String> differences = new ArrayList<>();
    if (edges.size() != other.edges.size()) {
      differences.add(edges.size() + " edges here, " + other.edges.size() + " there");
    }
    Map<String, Long> theirs = new LinkedHashMap<>();
    other.edges.forEach(e -> theirs.put(e.edge(), e.bytes()));
    for (EdgeBytes mine : edges) {
      Long bytes = theirs.remove(mine.edge());
      if (bytes == null) {
        differences.add(mine.edge() + ": " + mine.bytes() + " bytes here, not in the other top " + other.edges.size());
      } else if (bytes != mine.bytes()) {
        differences.add(mine.edge() + ": " + mine.bytes() + " bytes here, " + bytes + " there");
      }
    }
    theirs.forEach((edge, bytes) -> differences.add(edge + ": " + bytes + " bytes there, not in this top " + edges.size()));
    for (int i = 1; i < other.edges.size(); i++) {
      if (other.edges.get(i).bytes() > other.edges.get(i - 1).bytes()) {
        differences.add("the other answer is not ordered by bytes at rank " + (i + 1));
      }
    }
    return differences;
  }
}
