package dev.flowtel.core.dns.activity;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.DnsActivity;
import java.time.Instant;

/**
 * The window arithmetic of DNS activity, the same in every engine: the traffic aggregation's rules
 * ({@link TrafficWindows}: tumbling windows aligned to the epoch, closed when the watermark reaches
 * {@code end - 1}, too late once it reached {@code end - 1 + allowed lateness}) on the query's time,
 * with a window of its own length ({@code --dns-window}, 1 minute by default: DNS rows are per name,
 * so a longer window than traffic's keeps the row count down).
 */
public final class DnsActivityWindows {

  private DnsActivityWindows() {}

  public static long start(long queryTimeMillis, long sizeMillis) {
    return TrafficWindows.start(queryTimeMillis, sizeMillis);
  }

  public static boolean tooLate(long queryTimeMillis, long windowMillis, long allowedLatenessMillis, long watermark) {
    return TrafficWindows.tooLate(queryTimeMillis, windowMillis, allowedLatenessMillis, watermark);
  }

  /** The dead letter's detail line for a query {@link #tooLate}. */
  public static String lateDetail(long queryTimeMillis, long watermark, long allowedLatenessMillis) {
    return "DNS query at " + Instant.ofEpochMilli(queryTimeMillis) + ", its window closed (watermark "
        + Instant.ofEpochMilli(watermark) + ", allowed lateness " + allowedLatenessMillis + " ms)";
  }

  /** The Kafka key of a DnsActivity record: {@code <client key>|<queryName>}. */
  public static String recordKey(DnsActivity activity) {
    return EdgeEnd.fromAvro(activity.getClient()).key() + '|' + activity.getQueryName();
  }
}
