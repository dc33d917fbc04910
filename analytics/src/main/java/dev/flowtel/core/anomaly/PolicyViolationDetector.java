package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * POLICY_VIOLATION: an established connection observed FORWARDED that the policies in force deny,
 * i.e. the datapath did not enforce them. A connection is judged by the policies in force when it
 * opened; one that continues from before a policy change that denies it (no SYN in this interval,
 * allowed within the policy change grace) is kept by connection tracking, as CNIs do, and is no
 * violation. Bare SYN probes are the scan detectors' business. An edge is reported once {@code
 * violationMinConnections} of its connections were found violating. Evidence: the policy explanation.
 */
public final class PolicyViolationDetector implements Detector<PolicyViolationDetector.State> {

  private static final long serialVersionUID = 1L;

  /** The open anomaly of one edge. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final AnomalyTracker tracker = new AnomalyTracker();
    final java.util.HashSet<Long> pendingConnections = new java.util.HashSet<>();
    long pendingSince = Long.MAX_VALUE;
  }

  private final DetectionConfig config;

  public PolicyViolationDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.POLICY_VIOLATION;
  }

  @Override
  public Grouping grouping() {
    return Grouping.EDGE;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return flow.established();
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    if (!judgement.denied() || (judgement.recentlyAllowed() && !flow.connectionAttempt())) {
      return;
    }
    long t = flow.flowEndMillis();
    long first = t;
    if (state.tracker.openAt(flow.edgeKey(), t, config.pacing()) == null) {
      state.pendingConnections.add(flow.connectionId());
      state.pendingSince = Math.min(state.pendingSince, t);
      if (state.pendingConnections.size() < config.violationMinConnections()) {
        return;
      }
      first = state.pendingSince;
      state.pendingConnections.clear();
      state.pendingSince = Long.MAX_VALUE;
    }
    state.tracker.report(new Finding(type(), flow.edgeKey(), first, t, Severity.HIGH,
        flow.client(), flow.server(), flow.serverPort(), flow.protocol(),
        Map.of("flows", 1L, "bytes", flow.bytes(), "connections", flow.connectionAttempt() ? 1L : 0L), Map.of(),
        Map.of(), List.of(flow.sample()), judgement.explanation()), config.pacing(), out);
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    state.tracker.expire(watermark, config.pacing(), out);
    if (state.pendingSince != Long.MAX_VALUE && state.pendingSince + config.cooldown().toMillis() < watermark) {
      state.pendingConnections.clear();
      state.pendingSince = Long.MAX_VALUE;
    }
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(config.pacing());
    return state.pendingSince == Long.MAX_VALUE ? next : Math.min(next, state.pendingSince + config.cooldown().toMillis() + 1);
  }

  @Override
  public boolean isEmpty(State state) {
    return state.tracker.isEmpty() && state.pendingSince == Long.MAX_VALUE;
  }
}
