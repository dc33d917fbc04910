package dev.flowtel.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /edges/top} answer: one base window (null bounds when no window is held) and its edges
 * by bytes, largest first.
 */
public record TopEdges(Instant windowStart, Instant windowEnd, List<EdgeRow> edges) {

  public TopEdges {
    edges = List.copyOf(edges);
  }

  public static TopEdges none() {
    return new TopEdges(null, null, List.of());
  }

  public Map<String, Object> toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("windowStart", windowStart == null ? null : windowStart.toString());
    body.put("windowEnd", windowEnd == null ? null : windowEnd.toString());
    body.put("edges", edges.stream().map(EdgeRow::toJson).toList());
    return body;
  }

  public static TopEdges fromJson(JsonNode body) {
    String start = EdgeRow.text(body, "windowStart");
    String end = EdgeRow.text(body, "windowEnd");
    List<EdgeRow> edges = new ArrayList<>();
    body.path("edges").forEach(e -> edges.add(EdgeRow.fromJson(e)));
    return new TopEdges(start == null ? null : Instant.parse(start), end == null ? null : Instant.parse(end), edges);
  }
}
