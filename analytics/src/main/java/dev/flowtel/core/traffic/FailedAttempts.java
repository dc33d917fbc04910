package dev.flowtel.core.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.Protocols;
import dev.flowtel.core.edge.ServiceEdge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which flow records are failed TCP connection attempts for traffic aggregation, and the edge they
 * fold into: one per client and destination with the port folded ({@link ServiceEdge#ANY_PORT}),
 * so a scan or sweep costs one edge per window instead of one per port tried. Detection never sees
 * folded edges: it classifies flows itself and keeps each attempt's port.
 *
 * <p>A record is a failed attempt when all of these hold:
 * <ul>
 *   <li>it is TCP and counted its bytes: a source that reports single packets without lengths
 *       (Hubble) sends every connection's SYN on a record of its own, so there a SYN alone proves
 *       nothing about the connection;</li>
 *   <li>its server end is not a Service: a Service's port is a real service, and its refused or
 *       unanswered connections are that service's health, so they stay on its edge, counted in
 *       connections opened and TCP resets as before;</li>
 *   <li>a request that carries SYN and no ACK: the client never completed a handshake in the
 *       interval (unanswered, refused, or a half-open probe it reset itself). A client that did
 *       complete it and then reset (SYN, ACK and RST) made a real connection and stays on its
 *       edge, unlike the detectors' wider {@code failedAttempt};</li>
 *   <li>or a reply that carries exactly RST and ACK: what a kernel answers to a SYN on a closed
 *       port. An open port's SYN-ACK to a probe stays on that port's edge, so each open port a scan
 *       finds adds one edge.</li>
 * </ul>
 * The rule reads one record, so every engine and every export interval decide alike; its price is
 * that a handshake split by an export interval boundary (SYN in one interval, ACK in the next) to a
 * destination no Service fronts shows its first interval as an attempt.
 */
public final class FailedAttempts {

  /** Far above a cluster's edges; reaching it only restarts the memo. */
  private static final int MEMO_LIMIT = 1 << 16;
  private static final Map<String, String> FOLDED_KEYS = new ConcurrentHashMap<>();
  private static final int REFUSAL = Protocols.RST | Protocols.ACK;

  private FailedAttempts() {}

  /** The flow as traffic aggregation counts it: on its folded edge when it is a failed attempt, else unchanged. */
  public static ClassifiedFlow onTrafficEdge(ClassifiedFlow flow) {
    if (!attemptFlags(flow)) {
      return flow;
    }
    String folded = FOLDED_KEYS.get(flow.edgeKey());
    if (folded == null) {
      ServiceEdge edge = flow.edge();
      if (EdgeEnd.SERVICE.equals(edge.destination().kind())) {
        return flow;
      }
      if (FOLDED_KEYS.size() >= MEMO_LIMIT) {
        FOLDED_KEYS.clear();
      }
      folded = edge.withPortsFolded().key();
      FOLDED_KEYS.put(flow.edgeKey(), folded);
    }
    return flow.onEdge(folded);
  }

  /** True when the record is a failed attempt: {@link #onTrafficEdge} moves it to its folded edge. */
  public static boolean isFailedAttempt(ClassifiedFlow flow) {
    return attemptFlags(flow) && !EdgeEnd.SERVICE.equals(flow.edge().destination().kind());
  }

  private static boolean attemptFlags(ClassifiedFlow flow) {
    if (flow.protocol() != Protocols.TCP || flow.bytes() <= 0) {
      return false;
    }
    int flags = flow.tcpFlags();
    if (flow.reply()) {
      return flags == REFUSAL;
    }
    return (flags & Protocols.SYN) != 0 && (flags & Protocols.ACK) == 0;
  }
}
