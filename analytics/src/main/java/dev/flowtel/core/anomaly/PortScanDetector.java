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
 * PORT_SCAN: one client address attempts TCP connections to at least {@code scanMinPorts}
 * distinct ports of one destination address within one {@code scanWindow}, and at least {@code
 * scanMinFailedShare} of those ports saw only failed attempts (unanswered, refused, or reset).
 */
public final class PortScanDetector implements Detector<PortScanDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Attempts on one destination address in one window. */
  static final class Target implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashSet<Integer> ports = new HashSet<>();
    final HashSet<Integer> answeredPorts = new HashSet<>();
    EdgeEnd destination;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();
  }

  /** Open windows and open anomalies of one client address. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, HashMap<IpAddress, Target>> windows = new TreeMap<>();
    long closedUntil = Long.MIN_VALUE;
    EdgeEnd client;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;

  public PortScanDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.PORT_SCAN;
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
    Target target = state.windows.computeIfAbsent(start, s -> new HashMap<>())
        .computeIfAbsent(flow.serverIp(), a -> new Target());
    if (target.ports.add(flow.serverPort()) && target.samples.size() < AnomalyEpisode.MAX_SAMPLES) {
      target.samples.add(flow.sample());
    }
    if (!flow.failedAttempt()) {
      target.answeredPorts.add(flow.serverPort());
    }
    if (target.destination == null) {
      target.destination = flow.server();
    }
    target.first = Math.min(target.first, t);
    target.last = Math.max(target.last, t);
    state.client = flow.client();
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.scanWindow().toMillis();
    while (!state.windows.isEmpty() && watermark >= state.windows.firstKey() + size - 1) {
      Map.Entry<Long, HashMap<IpAddress, Target>> window = state.windows.pollFirstEntry();
      state.closedUntil = window.getKey() + size;
      window.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(IpAddress::toString)))
          .forEach(e -> {
            Target target = e.getValue();
            int ports = target.ports.size();
            long failed = target.ports.stream().filter(p -> !target.answeredPorts.contains(p)).count();
            double share = (double) failed / ports;
            if (ports >= config.scanMinPorts() && share >= config.scanMinFailedShare()) {
              String key = clientAddress(target) + ">" + e.getKey();
              state.tracker.report(new Finding(type(), key, target.first, target.last, Severity.HIGH, state.client,
                  target.destination, null, 6, Map.of("attempts", (long) ports, "failedPorts", failed, "windows", 1L),
                  Map.of("distinctPorts", (long) ports), Map.of("failedShare", share), target.samples, null), config, out);
            }
          });
    }
    state.tracker.expire(watermark, config, out);
  }

  private static String clientAddress(Target target) {
    return target.samples.isEmpty() ? "?" : clientOf(target.samples.get(0));
  }

  static String clientOf(FlowSampleView sample) {
    return sample.srcAddr();
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
