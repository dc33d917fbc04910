package dev.flowtel.core.edge;

/**
 * A counted flow reduced to what aggregation needs: its edge (as its key), whether it is the reply
 * direction, and its counters. Small and flat, because it is what engines shuffle by edge: the
 * edge travels once, as its text key, and is parsed back once per window ({@link #edge()}).
 *
 * @param connectionId 64-bit hash of the connection's client/server 5-tuple (equal for request and reply)
 * @param clientPodId 64-bit hash of the client pod's namespace/name, 0 when the client is no pod
 * @param rttMicros the flow's smoothed TCP RTT, or -1 when not measured
 * @param serverPort the server's port, which the edge key no longer names once failed attempts are
 *     folded ({@code core.traffic.FailedAttempts})
 * @param serverAddress 64-bit hash of the server's address, to count the distinct addresses a
 *     client's failed attempts tried
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
    long rttMicros,
    int serverPort,
    long serverAddress) {

  /** The edge, parsed from its key. */
  public ServiceEdge edge() {
    return ServiceEdge.fromKey(edgeKey);
  }

  /**
   * The connection's id with its server address mixed in whole, for counting attempts: a sweep
   * tries many addresses from one client port, where {@link #connectionId()} alone would confuse
   * addresses that its address hash maps alike.
   */
  public long attemptId() {
    return Hashing.finish(Hashing.mix(Hashing.mix(Hashing.SEED, connectionId), serverAddress));
  }

  /** The same flow on another edge (the folded edge of failed attempts). */
  public ClassifiedFlow onEdge(String otherEdgeKey) {
    return new ClassifiedFlow(otherEdgeKey, protocol, eventTimeMillis, reply, connectionId, clientPodId, bytes, packets,
        tcpFlags, drops, rttMicros, serverPort, serverAddress);
  }
}
