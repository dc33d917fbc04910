package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * NEW_EDGE: a service edge never seen during the learning period carries {@code
 * newEdgeMinConnections} established connections that the policies allow. Edges the policies deny
 * are POLICY_VIOLATIONs, edges to addresses outside the cluster EXTERNAL_EGRESS, and unanswered
 * probes scans, so each cause is reported once. Only learning makes an edge known: used again after
 * the cooldown, an edge not seen while learning is a new anomaly. An edge unused for {@code
 * edgeRetention} is forgotten.
 */
public final class NewEdgeDetector implements Detector<NewEdgeDetector.State> {

  private static final long serialVersionUID = 1L;

  /** What is known of one edge. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    boolean known;
    long lastSeenMillis = Long.MIN_VALUE;
    long pendingSince = Long.MAX_VALUE;
    final HashSet<Long> pendingConnections = new HashSet<>();
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;

  public NewEdgeDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.NEW_EDGE;
  }

  @Override
  public Grouping grouping() {
    return Grouping.EDGE;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return !flow.reply() && !flow.dropped() && !EdgeEnd.EXTERNAL.equals(flow.server().kind());
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    long t = flow.flowEndMillis();
    state.lastSeenMillis = Math.max(state.lastSeenMillis, t);
    if (t < learningUntilMillis) {
      state.known = true;
      return;
    }
    if (state.known || !flow.established() || judgement.denied()) {
      return;
    }
    if (state.tracker.openAt(flow.edgeKey(), t, config.pacing()) != null) {
      state.tracker.report(finding(flow, t, t, flow.connectionAttempt() ? 1 : 0), config.pacing(), out);
      return;
    }
    state.pendingConnections.add(flow.connectionId());
    state.pendingSince = Math.min(state.pendingSince, t);
    if (state.pendingConnections.size() >= config.newEdgeMinConnections()) {
      state.tracker.report(finding(flow, state.pendingSince, t, state.pendingConnections.size()), config.pacing(), out);
      state.pendingConnections.clear();
      state.pendingSince = Long.MAX_VALUE;
    }
  }

  private Finding finding(ObservedFlow flow, long first, long last, long connections) {
    return new Finding(type(), flow.edgeKey(), first, last, Severity.LOW, flow.client(), flow.server(),
        flow.serverPort(), flow.protocol(), Map.of("connections", connections, "flows", 1L, "bytes", flow.bytes()),
        Map.of(), Map.of(), List.of(flow.sample()), null);
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    state.tracker.expire(watermark, config.pacing(), out);
    if (state.pendingSince != Long.MAX_VALUE && state.pendingSince + config.cooldown().toMillis() < watermark) {
      state.pendingConnections.clear();
      state.pendingSince = Long.MAX_VALUE;
    }
    if (state.lastSeenMillis != Long.MIN_VALUE && state.lastSeenMillis + config.edgeRetention().toMillis() < watermark) {
      state.known = false;
      state.pendingConnections.clear();
      state.pendingSince = Long.MAX_VALUE;
      state.lastSeenMillis = Long.MIN_VALUE;
    }
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(config.pacing());
    if (state.lastSeenMillis != Long.MIN_VALUE) {
      next = Math.min(next, state.lastSeenMillis + config.edgeRetention().toMillis() + 1);
    }
    if (state.pendingSince != Long.MAX_VALUE) {
      next = Math.min(next, state.pendingSince + config.cooldown().toMillis() + 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.lastSeenMillis == Long.MIN_VALUE && state.tracker.isEmpty();
  }
}
