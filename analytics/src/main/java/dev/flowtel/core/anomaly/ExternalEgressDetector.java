package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * EXTERNAL_EGRESS: a workload's established connection to an address outside {@code clusterCidrs}
 * that the workload never used during the learning period. Each such address is one anomaly,
 * updated while the workload keeps using it within the cooldown; used again after that, it is a new one.
 * A workload that used more than {@code externalMaxLearned} addresses while learning reaches the
 * Internet broadly and is not watched.
 *
 * <p>When the collector saw the name the address was resolved from (the flow's {@code destination.domain}), the
 * anomaly's explanation names it: "reached api.example.com (104.20.67.143)". The anomaly stays one per address
 * (the key), because a name may resolve to many addresses and an address move between names; the name
 * is what the first flow carried.
 */
public final class ExternalEgressDetector implements Detector<ExternalEgressDetector.State> {

  private static final long serialVersionUID = 1L;

  /** The external addresses one workload uses, and its open anomalies. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashSet<IpAddress> known = new HashSet<>();
    boolean broad;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;
  private transient List<Cidr> cluster;

  public ExternalEgressDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.EXTERNAL_EGRESS;
  }

  @Override
  public Grouping grouping() {
    return Grouping.CLIENT_WORKLOAD;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return !flow.reply() && !flow.dropped() && !insideCluster(flow.dstIp());
  }

  /** Whether {@code address} lies in one of the configured cluster CIDRs. */
  public boolean insideCluster(IpAddress address) {
    if (cluster == null) {
      cluster = config.clusterNetworks();
    }
    for (Cidr cidr : cluster) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    long t = flow.flowEndMillis();
    IpAddress address = flow.dstIp();
    if (t < learningUntilMillis) {
      if (state.known.size() < config.externalMaxLearned()) {
        state.known.add(address);
      } else if (!state.known.contains(address)) {
        state.broad = true;
      }
      return;
    }
    if (state.broad) {
      return;
    }
    String key = flow.client().key() + ">" + address;
    if (state.known.contains(address) || !flow.established()) {
      return;
    }
    state.tracker.report(finding(key, flow), config.pacing(), out);
  }

  private Finding finding(String key, ObservedFlow flow) {
    long t = flow.flowEndMillis();
    return new Finding(type(), key, t, t, Severity.MEDIUM, flow.client(), flow.server(), flow.serverPort(),
        flow.protocol(), Map.of("connections", flow.connectionAttempt() ? 1L : 0L, "flows", 1L, "bytesSent", flow.bytes()),
        Map.of(), Map.of(), List.of(flow.sample()), named(flow));
  }

  /** "reached api.example.com (104.20.67.143)", or null when the flow carries no name. */
  static String named(ObservedFlow flow) {
    String domain = flow.serverDomain();
    return domain == null || domain.isEmpty() ? null : "reached " + domain + " (" + flow.serverIp() + ")";
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    state.tracker.expire(watermark, config.pacing(), out);
  }

  @Override
  public long nextDeadline(State state) {
    return state.tracker.nextExpiry(config.pacing());
  }

  @Override
  public boolean isEmpty(State state) {
    return state.known.isEmpty() && state.tracker.isEmpty();
  }
}
