package dev.flowtel.core.staged;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.StagedJudgement;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.StagedPolicyVerdict;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Would-allow and would-deny counts of the staged policies on one service edge, per event-time
 * window: the windows of the traffic aggregation, closed as it closes them (a flow counts when it
 * arrives before event time passes its window's end plus the allowed lateness), so a window's
 * counts cover the connections of the final revision of its ServiceTraffic record. Each engine
 * keeps one {@link State} per edge key and calls {@link #onWatermark} when event time reaches
 * {@link #nextDeadline}.
 */
public final class StagedPolicyWindows implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final byte ALLOW = 0;
  private static final byte DENY = 1;
  private static final byte NEWLY_ALLOWED = 2;
  private static final byte NEWLY_DENIED = 3;

  /** One staged policy's connections in one window, each with the verdict of its first judged flow. */
  static final class Counts implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashMap<Long, Byte> connections = new HashMap<>();
    long wouldDenyBytes;
    String explanation;
  }

  /** Open windows of one edge: window start, then policy namespace/name. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, TreeMap<String, Counts>> windows = new TreeMap<>();
    EdgeEnd client;
    EdgeEnd server;
    int port;
    int protocol;
  }

  private final long windowMillis;
  private final long latenessMillis;

  public StagedPolicyWindows(Duration window, Duration allowedLateness) {
    this.windowMillis = window.toMillis();
    this.latenessMillis = allowedLateness.toMillis();
  }

  public State newState() {
    return new State();
  }

  /**
   * Counts one flow's judgements ({@code PolicyTimeline#judgeStaged}) in its window.
   *
   * @return false when there was nothing to count, or the flow's window had closed at {@code watermark}
   */
  public boolean onFlow(State state, ObservedFlow flow, Iterable<StagedJudgement> judgements, long watermark) {
    Iterator<StagedJudgement> each = judgements.iterator();
    if (!each.hasNext() || TrafficWindows.tooLate(flow.flowEndMillis(), windowMillis, latenessMillis, watermark)) {
      return false;
    }
    if (state.client == null) {
      state.client = flow.client();
      state.server = flow.server();
      state.port = flow.serverPort();
      state.protocol = flow.protocol();
    }
    TreeMap<String, Counts> window = state.windows.computeIfAbsent(TrafficWindows.start(flow.flowEndMillis(), windowMillis),
        start -> new TreeMap<>());
    while (each.hasNext()) {
      StagedJudgement judgement = each.next();
      Counts counts = window.computeIfAbsent(judgement.policyId(), id -> new Counts());
      Byte earlier = counts.connections.putIfAbsent(flow.connectionId(), verdict(judgement));
      boolean denied = earlier == null ? !judgement.wouldAllow() : earlier == DENY || earlier == NEWLY_DENIED;
      if (denied && !flow.reply()) {
        counts.wouldDenyBytes += flow.bytes();
      }
      if (counts.explanation == null && judgement.explanation() != null) {
        counts.explanation = judgement.explanation();
      }
    }
    return true;
  }

  private static byte verdict(StagedJudgement judgement) {
    if (judgement.wouldAllow()) {
      return judgement.allowedInForce() ? ALLOW : NEWLY_ALLOWED;
    }
    return judgement.allowedInForce() ? NEWLY_DENIED : DENY;
  }

  /** Emits and forgets the windows that event time {@code watermark} closed. */
  public void onWatermark(State state, long watermark, Consumer<StagedPolicyVerdict> out) {
    while (!state.windows.isEmpty() && closeAt(state.windows.firstKey()) <= watermark) {
      Map.Entry<Long, TreeMap<String, Counts>> window = state.windows.pollFirstEntry();
      for (Map.Entry<String, Counts> policy : window.getValue().entrySet()) {
        out.accept(verdict(state, window.getKey(), policy.getKey(), policy.getValue()));
      }
    }
  }

  /** The event time at which the oldest open window closes, or Long.MAX_VALUE. */
  public long nextDeadline(State state) {
    return state.windows.isEmpty() ? Long.MAX_VALUE : closeAt(state.windows.firstKey());
  }

  public boolean isEmpty(State state) {
    return state.windows.isEmpty();
  }

  /** The watermark at which no flow of the window starting at {@code start} can still count. */
  private long closeAt(long start) {
    return start + windowMillis - 1 + latenessMillis;
  }

  private StagedPolicyVerdict verdict(State state, long start, String policyId, Counts counts) {
    long allow = 0;
    long deny = 0;
    long newlyAllowed = 0;
    long newlyDenied = 0;
    for (byte v : counts.connections.values()) {
      switch (v) {
        case ALLOW -> allow++;
        case NEWLY_ALLOWED -> {
          allow++;
          newlyAllowed++;
        }
        case NEWLY_DENIED -> {
          deny++;
          newlyDenied++;
        }
        default -> deny++;
      }
    }
    int slash = policyId.indexOf('/');
    return StagedPolicyVerdict.newBuilder()
        .setPolicyNamespace(policyId.substring(0, slash))
        .setPolicyName(policyId.substring(slash + 1))
        .setWindowStart(java.time.Instant.ofEpochMilli(start))
        .setWindowEnd(java.time.Instant.ofEpochMilli(start + windowMillis))
        .setSource(state.client.toAvro())
        .setDestination(state.server.toAvro())
        .setDestinationPort(state.port)
        .setProtocol(state.protocol)
        .setWouldAllowFlows(allow)
        .setWouldDenyFlows(deny)
        .setNewlyDeniedFlows(newlyDenied)
        .setNewlyAllowedFlows(newlyAllowed)
        .setWouldDenyBytes(counts.wouldDenyBytes)
        .setExplanation(counts.explanation)
        .build();
  }

  /** The record key of a verdict: policy, edge (as the traffic records spell it) and window, so a compacting or idempotent consumer keeps one. */
  public static String recordKey(StagedPolicyVerdict v) {
    return v.getPolicyNamespace() + '/' + v.getPolicyName() + '|'
        + TrafficWindows.edgeKey(v.getSource(), v.getDestination(), v.getDestinationPort(), false, v.getProtocol())
        + '@' + v.getWindowStart().toEpochMilli();
  }
}
