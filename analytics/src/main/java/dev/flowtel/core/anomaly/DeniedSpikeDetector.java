package dev.flowtel.core.anomaly;

import dev.flowtel.core.anomaly.lifecycle.AnomalyEpisode;
import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.flow.FlowSampleView;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * DENIED_SPIKE: dropped connection attempts on an edge, counted per {@code deniedWindow}, far above
 * the edge's moving mean: more than {@code deniedSpikeFactor} x mean + {@code deniedMinFlows}.
 * Drops of connections the policies allowed until a change within the policy change grace are the
 * change's intended effect and do not count. Spiking windows do not feed the mean.
 */
public final class DeniedSpikeDetector implements Detector<DeniedSpikeDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Dropped flows of one window. */
  static final class Bucket implements Serializable {
    private static final long serialVersionUID = 1L;
    long dropped;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();
    String explanation;
  }

  /** Open windows, the moving mean and the open anomaly of one edge. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    final Ewma baseline = new Ewma();
    long closedUntil = Long.MIN_VALUE;
    EdgeEnd client;
    EdgeEnd server;
    int port;
    int protocol;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;

  public DeniedSpikeDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.DENIED_SPIKE;
  }

  @Override
  public Grouping grouping() {
    return Grouping.EDGE;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return !flow.reply() && flow.dropped();
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    if (judgement.recentlyAllowed()) {
      return;
    }
    long size = config.deniedWindow().toMillis();
    long start = flow.flowEndMillis() - Math.floorMod(flow.flowEndMillis(), size);
    if (start < state.closedUntil) {
      start = state.closedUntil; // late: counts in the oldest window still open
    }
    Bucket b = state.buckets.computeIfAbsent(start, s -> new Bucket());
    b.dropped++;
    b.first = Math.min(b.first, flow.flowEndMillis());
    b.last = Math.max(b.last, flow.flowEndMillis());
    if (b.samples.size() < AnomalyEpisode.MAX_SAMPLES) {
      b.samples.add(flow.sample());
    }
    if (b.explanation == null && judgement.explanation() != null) {
      b.explanation = judgement.explanation();
    }
    state.client = flow.client();
    state.server = flow.server();
    state.port = flow.serverPort();
    state.protocol = flow.protocol();
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.deniedWindow().toMillis();
    while (!state.buckets.isEmpty() && watermark >= state.buckets.firstKey() + size - 1) {
      Map.Entry<Long, Bucket> e = state.buckets.pollFirstEntry();
      long start = e.getKey();
      if (state.closedUntil != Long.MIN_VALUE) {
        long gaps = Math.min((start - state.closedUntil) / size, 1_000);
        for (long i = 0; i < gaps; i++) {
          state.baseline.add(0, config.volumeEwmaAlpha());
        }
      }
      state.closedUntil = start + size;
      Bucket b = e.getValue();
      double mean = state.baseline.mean();
      double threshold = config.deniedSpikeFactor() * mean + config.deniedMinFlows();
      if (b.dropped >= threshold) {
        Severity severity = b.dropped >= 10 * threshold ? Severity.HIGH : Severity.MEDIUM;
        String key = edgeKey(state);
        state.tracker.report(new Finding(type(), key, b.first, b.last, severity, state.client, state.server, state.port,
            state.protocol, Map.of("droppedFlows", b.dropped, "windows", 1L), Map.of("peakDroppedFlows", b.dropped),
            Map.of("baselineDroppedFlows", mean, "threshold", threshold), b.samples, b.explanation),
            config.pacing(), out);
      } else {
        state.baseline.add(b.dropped, config.volumeEwmaAlpha());
      }
    }
    state.tracker.expire(watermark, config.pacing(), out);
  }

  private static String edgeKey(State s) {
    return new dev.flowtel.core.edge.ServiceEdge(s.client, s.server, s.port, s.protocol).key();
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(config.pacing());
    if (!state.buckets.isEmpty()) {
      next = Math.min(next, state.buckets.firstKey() + config.deniedWindow().toMillis() - 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.buckets.isEmpty() && state.tracker.isEmpty() && state.baseline.mean() < 0.5;
  }
}
