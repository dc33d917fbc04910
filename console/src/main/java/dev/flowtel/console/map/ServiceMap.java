package dev.flowtel.console.map;

import java.util.List;

/**
 * The map of a range: the heaviest edges by the metric (at most the filter's limit) and the
 * nodes they touch.
 *
 * @param windowSeconds the size of the windows the range was read at, 0 when there was no traffic
 * @param totalEdges how many edges matched the filter, of which {@code edges} are the heaviest
 */
public record ServiceMap(Range range, String metric, long windowSeconds, List<MapNode> nodes, List<MapEdge> edges,
    long totalEdges, int shownEdges) {

  public record Range(String name, String from, String to) {}
}
