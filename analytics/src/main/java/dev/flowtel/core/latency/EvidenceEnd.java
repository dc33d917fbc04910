package dev.flowtel.core.latency;

import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;

/**
 * When a record's evidence ended, from the record's own fields: where its latency is counted from.
 * An anomaly's {@code lastSeen} is the end of the flow that completed its evidence (at revision 0,
 * the flow that made it fire); a traffic record's {@code windowEnd} is when its window closed.
 */
public final class EvidenceEnd {

  private EvidenceEnd() {}

  public static long of(PolicyAnomaly anomaly) {
    return anomaly.getLastSeen().toEpochMilli();
  }

  public static long of(ServiceTraffic traffic) {
    return traffic.getWindowEnd().toEpochMilli();
  }
}
