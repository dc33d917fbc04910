package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyEpisode;
import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.FlowSampleView;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * PORT_SCAN and IP_SWEEP, one windowed distinct-targets detector: one client address attempts TCP
 * connections to at least a threshold of distinct targets of one group within one {@code scanWindow},
 * and at least {@code scanMinFailedShare} of those targets saw only failed attempts (unanswered,
 * refused, or reset). Its {@link Keying} says what a group and a target are: the ports of one
 * destination address ({@link PortScanDetector}, {@code scanMinPorts}) or the addresses on one port
 * ({@link IpSweepDetector}, {@code sweepMinHosts}).
 *
 * @param <G> what attempts are grouped by in a window (a destination address, a port)
 * @param <T> a target counted in a group (a port, a destination address)
 * @param <A> the keying's record of the attempts on one group in one window
 * @param <S> the keying's state class
 */
public final class DistinctTargetsDetector<G, T, A extends DistinctTargetsDetector.Attempts<T>,
    S extends DistinctTargetsDetector.Windows<G, A>> implements Detector<S> {

  private static final long serialVersionUID = 1L;

  /**
   * One client address's open windows and open anomalies. Each keying keeps it in a class of its own,
   * whose name savepoints and changelogs record, so the fields stay in those classes and this reads them.
   */
  public interface Windows<G, A> extends Serializable {
    TreeMap<Long, HashMap<G, A>> windows();

    /** The end of the last window closed: a late flow counts in the oldest window still open. */
    long closedUntil();

    void closeUntil(long end);

    EdgeEnd client();

    void seenFrom(EdgeEnd client);

    AnomalyTracker tracker();
  }

  /** The attempts on one group in one window. */
  public interface Attempts<T> extends Serializable {
    Set<T> targets();

    /** Targets that saw at least one attempt succeed. */
    Set<T> answered();

    List<FlowSampleView> samples();

    long first();

    long last();

    /** An attempt at event time {@code t}. */
    void attemptedAt(long t);
  }

  /** What a group and a target are, and how a finding about a group reads; the rest is the detector's. */
  public interface Keying<G, T, A extends Attempts<T>, S extends Windows<G, A>> extends Serializable {
    AnomalyType type();

    S newState();

    A newAttempts();

    G group(ObservedFlow flow);

    T target(ObservedFlow flow);

    /** The order in which one window's groups are reported. */
    Comparator<G> order();

    int minTargets(DetectionConfig config);

    /** Keeps what the finding needs of the flow besides its target (the destination, the client address). */
    void remember(A attempts, ObservedFlow flow);

    /** The anomaly's key: what it is about, part of its id. */
    String key(G group, A attempts);

    EdgeEnd destination(A attempts);

    Integer destinationPort(G group);

    /** The targets' name in the counters: {@code distinct<Name>}, {@code failed<Name>}. */
    String targetsName();
  }

  private final Keying<G, T, A, S> keying;
  private final DetectionConfig config;

  public DistinctTargetsDetector(Keying<G, T, A, S> keying, DetectionConfig config) {
    this.keying = keying;
    this.config = config;
  }

  /** PORT_SCAN: distinct ports of one destination address. */
  public static DistinctTargetsDetector<IpAddress, Integer, PortScanDetector.Target, PortScanDetector.State> portScan(
      DetectionConfig config) {
    return new DistinctTargetsDetector<>(new PortScanDetector(), config);
  }

  /** IP_SWEEP: distinct addresses on one port. */
  public static DistinctTargetsDetector<Integer, IpAddress, IpSweepDetector.PortTargets, IpSweepDetector.State> ipSweep(
      DetectionConfig config) {
    return new DistinctTargetsDetector<>(new IpSweepDetector(), config);
  }

  @Override
  public AnomalyType type() {
    return keying.type();
  }

  @Override
  public Grouping grouping() {
    return Grouping.CLIENT_ADDRESS;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return flow.connectionAttempt();
  }

  @Override
  public S newState() {
    return keying.newState();
  }

  @Override
  public void onFlow(S state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    long size = config.scanWindow().toMillis();
    long t = flow.flowEndMillis();
    long start = Math.max(t - Math.floorMod(t, size), state.closedUntil());
    A attempts = state.windows().computeIfAbsent(start, s -> new HashMap<>())
        .computeIfAbsent(keying.group(flow), g -> keying.newAttempts());
    T target = keying.target(flow);
    boolean qualifiedBefore = qualifies(attempts);
    if (attempts.targets().add(target) && attempts.samples().size() < AnomalyEpisode.MAX_SAMPLES) {
      attempts.samples().add(flow.sample());
    }
    if (!flow.failedAttempt()) {
      attempts.answered().add(target);
    }
    keying.remember(attempts, flow);
    attempts.attemptedAt(t);
    state.seenFrom(flow.client());
    if (!qualifiedBefore && qualifies(attempts)) {
      reportCrossing(state, keying.group(flow), attempts, t, out);
    }
  }

  @Override
  public void onWatermark(S state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.scanWindow().toMillis();
    while (!state.windows().isEmpty() && watermark >= state.windows().firstKey() + size - 1) {
      Map.Entry<Long, HashMap<G, A>> window = state.windows().pollFirstEntry();
      state.closeUntil(window.getKey() + size);
      window.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey(keying.order()))
          .forEach(e -> report(state, e.getKey(), e.getValue(), out));
    }
    state.tracker().expire(watermark, config.pacing(), out);
  }

  /** Whether the window's attempts on one group are a scan (or sweep): enough targets, enough of them failed. */
  private boolean qualifies(A attempts) {
    int targets = attempts.targets().size();
    return targets >= keying.minTargets(config) && failedShare(attempts) >= config.scanMinFailedShare();
  }

  /** Targets that saw only failed attempts, of all targets; every answered target is a target. */
  private static double failedShare(Attempts<?> attempts) {
    int targets = attempts.targets().size();
    return targets == 0 ? 0 : (double) (targets - attempts.answered().size()) / targets;
  }

  /**
   * The flow that made the window's attempts a scan: reported at once, so the scan is known seconds
   * after it crossed the threshold instead of when its window closes. It carries what is known at that
   * flow (distinct targets, failed share, samples) and no summed counters: the window's close reports
   * the attempts, failed targets and window once, so no attempt is counted twice.
   */
  private void reportCrossing(S state, G group, A attempts, long t, Consumer<PolicyAnomaly> out) {
    state.tracker().report(new Finding(type(), keying.key(group, attempts), attempts.first(), t,
        Severity.HIGH, state.client(), keying.destination(attempts), keying.destinationPort(group), 6,
        Map.of(), Map.of("distinct" + keying.targetsName(), (long) attempts.targets().size()),
        Map.of("failedShare", failedShare(attempts)), attempts.samples(), null), config.pacing(), out);
  }

  /** A window closed: the whole window's evidence, as one finding. */
  private void report(S state, G group, A attempts, Consumer<PolicyAnomaly> out) {
    if (!qualifies(attempts)) {
      return;
    }
    int targets = attempts.targets().size();
    long failed = targets - attempts.answered().size();
    String name = keying.targetsName();
    state.tracker().report(new Finding(type(), keying.key(group, attempts), attempts.first(), attempts.last(),
        Severity.HIGH, state.client(), keying.destination(attempts), keying.destinationPort(group), 6,
        Map.of("attempts", (long) targets, "failed" + name, failed, "windows", 1L),
        Map.of("distinct" + name, (long) targets), Map.of("failedShare", failedShare(attempts)), attempts.samples(), null),
        config.pacing(), out);
  }

  @Override
  public long nextDeadline(S state) {
    long next = state.tracker().nextExpiry(config.pacing());
    if (!state.windows().isEmpty()) {
      next = Math.min(next, state.windows().firstKey() + config.scanWindow().toMillis() - 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(S state) {
    return state.windows().isEmpty() && state.tracker().isEmpty();
  }
}
