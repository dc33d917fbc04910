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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * VOLUME_ANOMALY: an edge's forwarded bytes (both directions) in one {@code volumeBucket}, far
 * above its moving baseline (EWMA mean and variance, empty buckets counting as zero): at least
 * {@code volumeMinBytes}, {@code volumeZScore} standard deviations and {@code volumeMinRatio} times
 * the mean, once the edge has {@code volumeMinHistory} buckets of history. Anomalous buckets do not
 * feed the baseline, so a long burst keeps standing out.
 */
public final class VolumeAnomalyDetector implements Detector<VolumeAnomalyDetector.State> {

  private static final long serialVersionUID = 1L;

  /** Bytes of one bucket. */
  static final class Bucket implements Serializable {
    private static final long serialVersionUID = 1L;
    long bytes;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final ArrayList<FlowSampleView> samples = new ArrayList<>();
  }

  /** Open buckets, baseline and open anomaly of one edge. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    final Ewma baseline = new Ewma();
    long closedUntil = Long.MIN_VALUE;
    long lastSeenMillis = Long.MIN_VALUE;
    EdgeEnd client;
    EdgeEnd server;
    int port;
    int protocol;
    String edgeKey;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  private final DetectionConfig config;

  public VolumeAnomalyDetector(DetectionConfig config) {
    this.config = config;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.VOLUME_ANOMALY;
  }

  @Override
  public Grouping grouping() {
    return Grouping.EDGE;
  }

  @Override
  public boolean accepts(ObservedFlow flow) {
    return !flow.dropped();
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onFlow(State state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
      Consumer<PolicyAnomaly> out) {
    long size = config.volumeBucket().toMillis();
    long t = flow.flowEndMillis();
    long start = t - Math.floorMod(t, size);
    if (start < state.closedUntil) {
      start = state.closedUntil;
    }
    Bucket b = state.buckets.computeIfAbsent(start, s -> new Bucket());
    b.bytes += flow.bytes();
    b.first = Math.min(b.first, t);
    b.last = Math.max(b.last, t);
    if (b.samples.size() < AnomalyEpisode.MAX_SAMPLES && !flow.reply()) {
      b.samples.add(flow.sample());
    }
    state.lastSeenMillis = Math.max(state.lastSeenMillis, t);
    if (state.edgeKey == null) {
      state.client = flow.client();
      state.server = flow.server();
      state.port = flow.serverPort();
      state.protocol = flow.protocol();
      state.edgeKey = flow.edgeKey();
    }
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.volumeBucket().toMillis();
    double alpha = config.volumeEwmaAlpha();
    while (!state.buckets.isEmpty() && watermark >= state.buckets.firstKey() + size - 1) {
      Map.Entry<Long, Bucket> e = state.buckets.pollFirstEntry();
      long start = e.getKey();
      if (state.closedUntil != Long.MIN_VALUE) {
        long gaps = Math.min((start - state.closedUntil) / size, 1_000);
        for (long i = 0; i < gaps; i++) {
          state.baseline.add(0, alpha);
        }
      }
      state.closedUntil = start + size;
      Bucket b = e.getValue();
      double mean = state.baseline.mean();
      double sd = Math.max(state.baseline.stddev(), 0.05 * mean + 1);
      double z = (b.bytes - mean) / sd;
      double ratio = mean <= 0 ? Double.POSITIVE_INFINITY : b.bytes / mean;
      boolean anomalous = state.baseline.samples() >= config.volumeMinHistory() && b.bytes >= config.volumeMinBytes()
          && z >= config.volumeZScore() && ratio >= config.volumeMinRatio();
      if (anomalous) {
        Severity severity = ratio >= 20 && b.bytes >= 10 * config.volumeMinBytes() ? Severity.HIGH : Severity.MEDIUM;
        state.tracker.report(new Finding(type(), state.edgeKey, b.first, b.last, severity, state.client, state.server,
            state.port, state.protocol, Map.of("bytes", b.bytes, "windows", 1L), Map.of("peakBytes", b.bytes),
            Map.of("baselineBytes", mean, "baselineStddev", state.baseline.stddev(), "zScore", z,
                "ratio", Double.isInfinite(ratio) ? 0.0 : ratio), b.samples, null), config.pacing(), out);
      } else {
        state.baseline.add(b.bytes, alpha);
      }
    }
    state.tracker.expire(watermark, config.pacing(), out);
    if (state.buckets.isEmpty() && state.lastSeenMillis != Long.MIN_VALUE
        && state.lastSeenMillis + config.edgeRetention().toMillis() < watermark) {
      state.lastSeenMillis = Long.MIN_VALUE;
    }
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(config.pacing());
    if (!state.buckets.isEmpty()) {
      next = Math.min(next, state.buckets.firstKey() + config.volumeBucket().toMillis() - 1);
    } else if (state.lastSeenMillis != Long.MIN_VALUE) {
      next = Math.min(next, state.lastSeenMillis + config.edgeRetention().toMillis() + 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.buckets.isEmpty() && state.tracker.isEmpty() && state.lastSeenMillis == Long.MIN_VALUE;
  }
}
