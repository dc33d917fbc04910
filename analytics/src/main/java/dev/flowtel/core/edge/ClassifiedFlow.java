package dev.flowtel.core.edge;

/**
 * A counted flow reduced to what aggregation needs: its edge (as its key), whether it is the reply
 * direction, and its counters. Small and flat, because it is what engines shuffle by edge: the
 * edge travels once, as its text key, and is parsed back once per window ({@link #edge()}).
 *
 * @param connectionId 64-bit hash of the connection's client/server 5-tuple (equal for request and reply)
 * @param clientPodId 64-bit hash of the client pod's namespace/name, 0 when the client is no pod
 * @param rttMicros the flow's smoothed TCP RTT, or -1 when not measured
 */
public record ClassifiedFlow(
    String edgeKey,
    int protocol,
    long eventTimeMillis,
    boolean reply,
    long connectionId,
    long clientPodId,
    long bytes,
    long packets,
    int tcpFlags,
    long drops,
    long rttMicros) {

  /** The edge, parsed from its key. */
  public ServiceEdge edge() {
    return ServiceEdge.fromKey(edgeKey);
  }
}
