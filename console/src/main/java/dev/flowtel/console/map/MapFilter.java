package dev.flowtel.console.map;

import dev.flowtel.console.query.BadQueryException;
import java.util.List;

/**
 * What a map request narrows to; empty or null means any.
 *
 * @param namespaces edges with either end in one of these namespaces
 * @param workload a part of either end's id ({@code namespace/Kind/name}), case-insensitive
 * @param limit the most edges drawn, the heaviest by the metric
 */
public record MapFilter(List<String> namespaces, String workload, Integer port, EdgeVerdict verdict, MapMetric metric, int limit) {

  public static final int DEFAULT_LIMIT = 300;
  public static final int MAX_LIMIT = 2_000;

  public MapFilter {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    workload = workload == null || workload.isBlank() ? null : workload.trim();
    metric = metric == null ? MapMetric.BYTES : metric;
    if (port != null && (port < 0 || port > 65_535)) {
      throw new BadQueryException("port " + port + ": expected 0 to 65535");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadQueryException("limit " + limit + ": expected 1 to " + MAX_LIMIT);
    }
  }

  public static MapFilter none() {
    return new MapFilter(List.of(), null, null, null, MapMetric.BYTES, DEFAULT_LIMIT);
  }
}
