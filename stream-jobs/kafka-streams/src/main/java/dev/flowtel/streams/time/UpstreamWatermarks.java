package dev.flowtel.streams.time;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time after a repartition: the least watermark of the upstream partitions, from their
 * {@link WatermarkMarker}s, never going back, as Flink's keyed operators take the least of their
 * input channels. Unknown until every upstream partition has sent a marker.
 */
public final class UpstreamWatermarks {

  private final Map<Integer, Long> upstream = new HashMap<>();
  private long watermark = Long.MIN_VALUE;

  /** Takes one marker; true when the watermark moved forward ({@link #current()} is then the new one). */
  public boolean advance(WatermarkMarker marker) {
    // An upstream partition idle since start (Long.MAX_VALUE) counts again once it sends event time.
    upstream.merge(marker.upstreamPartition(), marker.watermark(),
        (old, next) -> old == Long.MAX_VALUE ? next : Math.max(old, next));
    if (upstream.size() < marker.upstreamPartitions()) {
      return false;
    }
    long least = upstream.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    if (least == Long.MAX_VALUE || least <= watermark) {
      return false;
    }
    watermark = least;
    return true;
  }

  /** The watermark so far, Long.MIN_VALUE before the first move. */
  public long current() {
    return watermark;
  }
}
