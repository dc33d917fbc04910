package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.Ewma;
import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * NXDOMAIN_SPIKE: one workload got far more "no such name" answers in a window than it usually does,
 * for many different names: what malware's generated domains (DGA) look like from the resolver's side,
 * one name after another until one resolves. Names under the cluster domain are not counted (search-path
 * expansion makes those by the thousand in any cluster). The baseline is a moving mean of NXDOMAIN answers
 * per window (windows without any count as zero); a spike window does not feed it, so a long episode does
 * not become normal. Nothing is reported during the learning period.
 */
public final class NxdomainSpikeDetector implements DnsDetector<NxdomainSpikeDetector.State> {

  private static final long serialVersionUID = 1L;
  /** Distinct names remembered per window: enough to tell many names from one, bounded under any flood. */
  static final int MAX_NAMES_PER_WINDOW = 4_096;
  static final int SAMPLE_NAMES = 5;
  /** Empty windows fed to the baseline at most, after a silence: beyond this the mean is ~0 anyway. */
  private static final int MAX_GAP_WINDOWS = 200;

  /** One client's open windows, baseline and open anomalies. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final ClientWindows<Window> windows = new ClientWindows<>();
    final Ewma baseline = new Ewma();
    long learningUntilMillis = Long.MIN_VALUE;
  }

  static final class Window implements Serializable {
    private static final long serialVersionUID = 1L;
    long answers;
    final HashSet<String> names = new HashSet<>();
    final ArrayList<String> samples = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
  }

  private final DnsDetectionConfig config;
  private final AnomalyPacing pacing;

  public NxdomainSpikeDetector(DnsDetectionConfig config, AnomalyPacing pacing) {
    this.config = config;
    this.pacing = pacing;
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.NXDOMAIN_SPIKE;
  }

  @Override
  public boolean accepts(DnsQuery query) {
    return query.nxdomain() && !DnsNames.under(query.name(), config.clusterDomain());
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onQuery(State state, DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out) {
    Window w = state.windows.windowOf(query, config.windowMillis(), Window::new);
    if (w == null) {
      return;
    }
    state.learningUntilMillis = learningUntilMillis;
    w.answers++;
    if (w.names.size() < MAX_NAMES_PER_WINDOW && w.names.add(query.name()) && w.samples.size() < SAMPLE_NAMES) {
      w.samples.add(query.name());
    }
    w.first = Math.min(w.first, query.timeMillis());
    w.last = Math.max(w.last, query.timeMillis());
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    state.windows.closeUpTo(watermark, config.windowMillis(), (start, w) -> close(state, start, w, out));
    state.windows.tracker.expire(watermark, pacing, out);
  }

  private void close(State state, long start, Window w, Consumer<PolicyAnomaly> out) {
    long size = config.windowMillis();
    long lastClosed = state.windows.lastClosedStart();
    if (lastClosed != Long.MIN_VALUE) {
      long gaps = Math.min(MAX_GAP_WINDOWS, (start - lastClosed) / size - 1);
      for (long i = 0; i < gaps; i++) {
        state.baseline.add(0, config.nxdomainEwmaAlpha());
      }
    }
    double mean = state.baseline.samples() == 0 ? 0 : state.baseline.mean();
    double threshold = config.nxdomainSpikeFactor() * mean + config.nxdomainMinAnswers();
    boolean spike = w.answers >= threshold && w.names.size() >= config.nxdomainMinNames();
    boolean learning = start + size - 1 < state.learningUntilMillis;
    if (!spike || learning) {
      state.baseline.add(w.answers, config.nxdomainEwmaAlpha());
    }
    if (spike && !learning) {
      Severity severity = w.answers >= 10 * threshold ? Severity.HIGH : Severity.MEDIUM;
      ClientWindows<Window> client = state.windows;
      client.tracker.report(new Finding(type(), client.clientKey, w.first, w.last, severity, client.client, null, 53, null,
          Map.of("nxdomainAnswers", w.answers),
          Map.of("peakNxdomainAnswers", w.answers, "peakDistinctNames", (long) w.names.size()),
          Map.of("baselineNxdomainAnswers", mean), List.of(), "names asked: " + String.join(", ", w.samples)), pacing, out);
    }
  }

  @Override
  public long nextDeadline(State state) {
    return state.windows.nextDeadline(config.windowMillis(), pacing);
  }

  @Override
  public boolean isEmpty(State state) {
    // The baseline decays towards zero, which a new state also starts from: a quiet client costs nothing.
    return state.windows.isEmpty() && state.baseline.mean() < 0.5;
  }
}
