package dev.flowtel.core.anomaly;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * IP_SWEEP: one client address attempts TCP connections to one port on at least {@code
 * sweepMinHosts} distinct addresses within one {@code scanWindow}, and at least {@code
 * scanMinFailedShare} of those addresses saw only failed attempts (unanswered, refused, or reset).
 */
public final class IpSweepDetector implements Detector<IpSweepDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Attempts on one port in one window. */
  static final class PortTargets implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashSet<IpAddress> hosts = new HashSet<>();
    final HashSet<IpAddress> answeredHosts = new HashSet<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    String clientAddress;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();
  }

  /** Open windows and open anomalies of one client address. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, HashMap<Integer, PortTargets>> windows = new TreeMap<>();
    long closedUntil = Long.MIN_VALUE;
    EdgeEnd client;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;

  public IpSweepDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.IP_SWEEP;
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
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    long size = config.scanWindow().toMillis();
    long t = flow.flowEndMillis();
    long start = Math.max(t - Math.floorMod(t, size), state.closedUntil);
    PortTargets targets = state.windows.computeIfAbsent(start, s -> new HashMap<>())
        .computeIfAbsent(flow.serverPort(), p -> new PortTargets());
    if (targets.hosts.add(flow.serverIp()) && targets.samples.size() < AnomalyEpisode.MAX_SAMPLES) {
      targets.samples.add(flow.sample());
    }
    if (!flow.failedAttempt()) {
      targets.answeredHosts.add(flow.serverIp());
    }
    targets.clientAddress = flow.clientIp().toString();
    targets.first = Math.min(targets.first, t);
    targets.last = Math.max(targets.last, t);
    state.client = flow.client();
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.scanWindow().toMillis();
    while (!state.windows.isEmpty() && watermark >= state.windows.firstKey() + size - 1) {
      Map.Entry<Long, HashMap<Integer, PortTargets>> window = state.windows.pollFirstEntry();
      state.closedUntil = window.getKey() + size;
      window.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        PortTargets targets = e.getValue();
        int hosts = targets.hosts.size();
        long failed = targets.hosts.stream().filter(h -> !targets.answeredHosts.contains(h)).count();
        double share = (double) failed / hosts;
        if (hosts >= config.sweepMinHosts() && share >= config.scanMinFailedShare()) {
          String key = targets.clientAddress + ">*:" + e.getKey() + "/6";
          state.tracker.report(new Finding(type(), key, targets.first, targets.last, Severity.HIGH, state.client, null,
              e.getKey(), 6, Map.of("attempts", (long) hosts, "failedHosts", failed, "windows", 1L),
              Map.of("distinctHosts", (long) hosts), Map.of("failedShare", share), targets.samples, null), config, out);
        }
      });
    }
    state.tracker.expire(watermark, config, out);
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(config);
    if (!state.windows.isEmpty()) {
      next = Math.min(next, state.windows.firstKey() + config.scanWindow().toMillis() - 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.windows.isEmpty() && state.tracker.isEmpty();
  }
}
