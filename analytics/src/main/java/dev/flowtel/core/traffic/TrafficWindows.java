package dev.flowtel.core.traffic;

import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.ServiceTraffic;
import java.time.Instant;

/**
 * The window arithmetic of traffic aggregation, the same in every engine: tumbling windows aligned
 * to the epoch, a window {@code [start, end)} closes when the watermark reaches {@code end - 1},
 * and a flow is too late (dead-lettered as {@code late}) once the watermark reached its base
 * window's {@code end - 1 + allowed lateness}. Records are keyed {@code <edge key>@<start ms>/<size ms>}
 * so the revisions of one window share a key and a compacting consumer keeps the newest.
 */
public final class TrafficWindows {

  private TrafficWindows() {}

  public static long start(long eventTimeMillis, long sizeMillis) {
    return eventTimeMillis - Math.floorMod(eventTimeMillis, sizeMillis);
  }

  /** The last event time the window holds, when the watermark reaching it fires the window. */
  public static long maxTimestamp(long eventTimeMillis, long sizeMillis) {
    return start(eventTimeMillis, sizeMillis) + sizeMillis - 1;
  }

  /** Too late for the base window and so for every window: the flow goes to the dead-letter topic. */
  public static boolean tooLate(long eventTimeMillis, long windowMillis, long allowedLatenessMillis, long watermark) {
    return maxTimestamp(eventTimeMillis, windowMillis) + allowedLatenessMillis <= watermark;
  }

  /** The dead letter's detail line for a flow {@link #tooLate}. */
  public static String lateDetail(long eventTimeMillis, long watermark, long allowedLatenessMillis) {
    return "flow ended at " + Instant.ofEpochMilli(eventTimeMillis) + ", its window closed (watermark "
        + Instant.ofEpochMilli(watermark) + ", allowed lateness " + allowedLatenessMillis + " ms)";
  }

  /** The Kafka key of a ServiceTraffic record. */
  public static String recordKey(ServiceTraffic t) {
    long start = t.getWindowStart().toEpochMilli();
    return edgeKey(t) + '@' + start + '/' + (t.getWindowEnd().toEpochMilli() - start);
  }

  /** The service edge key of a ServiceTraffic record, as {@code ServiceEdge.key()} spells it. */
  public static String edgeKey(ServiceTraffic t) {
    return edgeKey(t.getSource(), t.getDestination(), t.getDestinationPort(), t.getPortsFolded(), t.getProtocol());
  }

  /** The service edge key of a record's ends, port and protocol, as {@code ServiceEdge.key()} spells it. */
  public static String edgeKey(EdgeEndpoint source, EdgeEndpoint destination, int destinationPort, boolean portsFolded,
      int protocol) {
    return end(source) + '>' + end(destination) + ':' + ServiceEdge.portKey(destinationPort, portsFolded) + '/' + protocol;
  }

  private static String end(EdgeEndpoint e) {
    return (e.getNamespace() == null ? "-" : e.getNamespace()) + '/' + e.getKind() + '/' + e.getName();
  }
}
