package dev.flowtel.console.map;

import dev.flowtel.console.anomaly.AnomalyView;
import java.util.List;

/**
 * One edge over a range: its totals, its traffic over time, its round-trip times, the policy
 * explanation the detection gave and its anomalies.
 *
 * @param rtt over windows that measured one: p50 and p90 averaged, p99 the worst window's; null when none did
 * @param explanation the newest policy explanation among the edge's anomalies (the engine's
 *     judgement of a sample flow), null when no anomaly carried one
 */
public record EdgeDetail(MapEdge edge, List<Point> series, Rtt rtt, String explanation, List<AnomalyView> anomalies) {

  /** One bucket of the series: sums over its windows, round-trip times as for {@link EdgeDetail#rtt()}. */
  public record Point(String t, long bytes, long flows, long drops, Long rttP50Us, Long rttP90Us, Long rttP99Us) {}

  public record Rtt(long p50Us, long p90Us, long p99Us) {}
}
