package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.Ewma;
import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * NXDOMAIN_SPIKE: one workload got "no such name" for far more distinct names of its own in a window than it usually
 * does: what malware's generated domains (DGA) look like from the resolver's side, one name after another until one
 * resolves.
 *
 * <p>What is counted is the distinct NXDOMAIN names that are <em>not a search-path expansion</em>. A stub resolver under
 * {@code ndots:5} asks {@code api.example.com.<suffix>} for every search domain of the pod before the bare name, so
 * every external lookup, good or bad, costs a few NXDOMAINs under the cluster domain and, on cloud nodes, under the
 * node's domain ({@code eu-west-1.compute.internal} on AWS, {@code c.<project>.internal} on GKE, a company's own
 * zone on premises). Those are steady, proportional to the workload's traffic, and would bury a burst of a few dozen
 * generated names a minute in its baseline. Rather than list the clouds' zones, the detector learns each client's
 * search suffixes from its own queries: an NXDOMAIN for {@code x.S} followed by the same client asking {@code x}
 * itself is a search-path expansion, so {@code S} is one of its search domains. What remains is the names the client
 * meant to ask: a generated domain whose bare name was NXDOMAIN counts once, however many search domains the pod has,
 * and a lookup whose bare name resolves counts nothing. The cluster domain is left out from the start (it is known).
 * The rule was chosen over "distinct parents" because a DGA's names are each their own parent, and over "first label
 * never answered" because it needs no memory of answered names (which grows with the workload's vocabulary).
 *
 * <p>A window is a spike when its counted names reach {@code nxdomainSpikeFactor} × the client's moving mean of the
 * same count + {@code nxdomainMinNames}, and their NXDOMAIN answers at least {@code nxdomainMinAnswers} (a single
 * broken name retried does not count twice). Windows without any count as zero; a spike window does not feed the
 * mean, so a long episode does not become normal. Nothing is reported during the learning period.
 *
 * <p>Bounded state per client: at most {@value #MAX_SEARCH_SUFFIXES} learned suffixes (of two labels or more, so no
 * client can teach it {@code com}), the last {@value #RECENT_NXDOMAINS} NXDOMAIN names to learn them from, and at most
 * {@value #MAX_NAMES_PER_WINDOW} names per open window. Learned suffixes are dropped with an idle client's state and
 * learned again from its next external lookup; names are judged against them when the window closes, so a suffix
 * learned a millisecond after its first expansion still applies to it.
 */
public final class NxdomainSpikeDetector implements DnsDetector<NxdomainSpikeDetector.State> {

  private static final long serialVersionUID = 2L;
  /** Distinct names remembered per window: enough to tell many names from one, bounded under any flood. */
  static final int MAX_NAMES_PER_WINDOW = 4_096;
  /** A pod's resolv.conf allows six search domains (glibc); more clients in one workload may differ by namespace. */
  static final int MAX_SEARCH_SUFFIXES = 16;
  /** A stub resolver asks the bare name right after its expansions; concurrent lookups of a workload interleave. */
  static final int RECENT_NXDOMAINS = 64;
  static final int SAMPLE_NAMES = 5;
  /** Empty windows fed to the baseline at most, after a silence: beyond this the mean is ~0 anyway. */
  private static final int MAX_GAP_WINDOWS = 200;

  /** One client's open windows, baselines, learned search suffixes and open anomalies. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 2L;
    final ClientWindows<Window> windows = new ClientWindows<>();
    /** Moving mean of counted (non-expansion) NXDOMAIN names per window: what a spike is judged against. */
    final Ewma baseline = new Ewma();
    /** Moving mean of their NXDOMAIN answers: evidence only. */
    final Ewma answerBaseline = new Ewma();
    final SearchSuffixes suffixes = new SearchSuffixes();
    long learningUntilMillis = Long.MIN_VALUE;
  }

  /**
   * The search domains one client's resolver appends, learned from its queries: {@code x.S} NXDOMAIN, then {@code x}
   * asked (with any answer) by the same client.
   */
  static final class SearchSuffixes implements Serializable {
    private static final long serialVersionUID = 1L;
    final ArrayList<String> learned = new ArrayList<>();
    private final String[] recent = new String[RECENT_NXDOMAINS];
    private int next;

    /** Learns from {@code query}: a suffix when it is the bare name of a recent NXDOMAIN; remembers it if NXDOMAIN. */
    void observe(DnsQuery query) {
      String prefix = query.name() + ".";
      for (int i = 0; i < recent.length && learned.size() < MAX_SEARCH_SUFFIXES; i++) {
        String n = recent[i];
        if (n != null && n.startsWith(prefix)) {
          String suffix = n.substring(prefix.length());
          if (suffix.indexOf('.') > 0 && !learned.contains(suffix)) {
            learned.add(suffix);
          }
          recent[i] = null;
        }
      }
      if (query.nxdomain()) {
        recent[next] = query.name();
        next = (next + 1) % recent.length;
      }
    }

    /** The learned suffix {@code name} is an expansion under, or null when it is a name the client meant to ask. */
    String expansionOf(String name) {
      for (String s : learned) {
        if (name.length() > s.length() + 1 && name.endsWith(s) && name.charAt(name.length() - s.length() - 1) == '.') {
          return s;
        }
      }
      return null;
    }
  }

  /** NXDOMAIN answers per distinct name (outside the cluster domain) in arrival order, judged when the window closes. */
  static final class Window implements Serializable {
    private static final long serialVersionUID = 2L;
    final LinkedHashMap<String, Long> answers = new LinkedHashMap<>();
    /** Answers for names beyond {@link #MAX_NAMES_PER_WINDOW}: they cannot be judged, and count (a flood is a flood). */
    long unjudgedAnswers;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
  }

  /** What a closed window counted: names that were not search-path expansions, their answers, a few of them. */
  private record Count(long names, long answers, List<String> samples, List<String> suffixesLeftOut) {}

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

  /** Every answer outside the cluster domain: the NXDOMAINs are counted, the bare names that follow them teach suffixes. */
  @Override
  public boolean accepts(DnsQuery query) {
    return !DnsNames.under(query.name(), config.clusterDomain());
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onQuery(State state, DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out) {
    state.suffixes.observe(query);
    if (!query.nxdomain()) {
      return;
    }
    Window w = state.windows.windowOf(query, config.windowMillis(), Window::new);
    if (w == null) {
      return;
    }
    state.learningUntilMillis = learningUntilMillis;
    Long known = w.answers.get(query.name());
    if (known != null) {
      w.answers.put(query.name(), known + 1);
    } else if (w.answers.size() < MAX_NAMES_PER_WINDOW) {
      w.answers.put(query.name(), 1L);
    } else {
      w.unjudgedAnswers++;
    }
    w.first = Math.min(w.first, query.timeMillis());
    w.last = Math.max(w.last, query.timeMillis());
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    state.windows.closeUpTo(watermark, config.windowMillis(), (start, w) -> close(state, start, w, out));
    state.windows.tracker.expire(watermark, pacing, out);
  }

  private static Count count(State state, Window w) {
    long names = 0;
    long answers = w.unjudgedAnswers;
    List<String> samples = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (Map.Entry<String, Long> e : w.answers.entrySet()) {
      String suffix = state.suffixes.expansionOf(e.getKey());
      if (suffix != null) {
        if (!leftOut.contains(suffix)) {
          leftOut.add(suffix);
        }
        continue;
      }
      names++;
      answers += e.getValue();
      if (samples.size() < SAMPLE_NAMES) {
        samples.add(e.getKey());
      }
    }
    return new Count(names, answers, samples, leftOut);
  }

  private void close(State state, long start, Window w, Consumer<PolicyAnomaly> out) {
    long size = config.windowMillis();
    long lastClosed = state.windows.lastClosedStart();
    if (lastClosed != Long.MIN_VALUE) {
      long gaps = Math.min(MAX_GAP_WINDOWS, (start - lastClosed) / size - 1);
      for (long i = 0; i < gaps; i++) {
        state.baseline.add(0, config.nxdomainEwmaAlpha());
        state.answerBaseline.add(0, config.nxdomainEwmaAlpha());
      }
    }
    Count c = count(state, w);
    double mean = state.baseline.samples() == 0 ? 0 : state.baseline.mean();
    double answerMean = state.answerBaseline.samples() == 0 ? 0 : state.answerBaseline.mean();
    double threshold = config.nxdomainSpikeFactor() * mean + config.nxdomainMinNames();
    boolean spike = c.names() >= threshold && c.answers() >= config.nxdomainMinAnswers();
    boolean learning = start + size - 1 < state.learningUntilMillis;
    if (!spike || learning) {
      state.baseline.add(c.names(), config.nxdomainEwmaAlpha());
      state.answerBaseline.add(c.answers(), config.nxdomainEwmaAlpha());
    }
    if (spike && !learning) {
      Severity severity = c.names() >= 10 * threshold ? Severity.HIGH : Severity.MEDIUM;
      String leftOut = c.suffixesLeftOut().isEmpty() ? "" : "; search-path expansions left out, under "
          + String.join(", ", c.suffixesLeftOut());
      ClientWindows<Window> client = state.windows;
      client.tracker.report(new Finding(type(), client.clientKey, w.first, w.last, severity, client.client, null, 53, null,
          Map.of("nxdomainAnswers", c.answers()),
          Map.of("peakNxdomainAnswers", c.answers(), "peakDistinctNames", c.names()),
          Map.of("baselineNxdomainAnswers", answerMean, "baselineDistinctNames", mean), List.of(),
          "counted distinct NXDOMAIN names that are no search-path expansion (baseline " + String.format(java.util.Locale.ROOT,
              "%.1f", mean) + " a window); names asked: " + String.join(", ", c.samples()) + leftOut), pacing, out);
    }
  }

  @Override
  public long nextDeadline(State state) {
    return state.windows.nextDeadline(config.windowMillis(), pacing);
  }

  @Override
  public boolean isEmpty(State state) {
    // The baseline decays towards zero, which a new state also starts from: a quiet client costs nothing. Learned
    // suffixes are not worth a state: the client's next external lookup teaches them again.
    return state.windows.isEmpty() && state.baseline.mean() < 0.5;
  }
}
