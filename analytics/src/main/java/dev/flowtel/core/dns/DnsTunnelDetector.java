package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.anomaly.lifecycle.AnomalyTracker;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * DNS_TUNNEL: one workload asked, in one window, for many different names under one parent domain whose
 * part in front of it looks encoded (long and high in entropy): data carried in the labels, as iodine,
 * dnscat2 and exfiltration tools do, one chunk per query, each name new. A service resolving its
 * dependencies asks a handful of names again and again; a CDN's hashed host names are short. No learning
 * period: a workload that tunnels while Flowtel learns is still tunnelling. Names under the cluster domain
 * and the configured ignored domains are not looked at.
 */
public final class DnsTunnelDetector implements DnsDetector<DnsTunnelDetector.State> {

  private static final long serialVersionUID = 1L;
  /** Parent domains followed per client and window; beyond it new parents are not followed (the window's busiest win). */
  static final int MAX_PARENTS_PER_WINDOW = 1_024;
  static final int SAMPLE_NAMES = 3;

  /** One client's open windows and open anomalies. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final TreeMap<Long, HashMap<String, Parent>> windows = new TreeMap<>();
    long lastClosedStart = Long.MIN_VALUE;
    EdgeEnd client;
    String clientKey;
    final AnomalyTracker tracker = new AnomalyTracker();
  }

  /** What one window saw under one parent domain. */
  static final class Parent implements Serializable {
    private static final long serialVersionUID = 1L;
    long queries;
    final HashSet<String> encoded = new HashSet<>();
    final ArrayList<String> samples = new ArrayList<>();
    double entropySum;
    long lettersSum;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
  }

  private final DnsDetectionConfig config;
  private final AnomalyPacing pacing;
  private final int maxEncodedPerParent;

  public DnsTunnelDetector(DnsDetectionConfig config, AnomalyPacing pacing) {
    this.config = config;
    this.pacing = pacing;
    this.maxEncodedPerParent = Math.max(4 * config.tunnelMinNames(), 256);
  }

  @Override
  public AnomalyType type() {
    return AnomalyType.DNS_TUNNEL;
  }

  @Override
  public boolean accepts(DnsQuery query) {
    if (DnsNames.under(query.name(), config.clusterDomain())) {
      return false;
    }
    String parent = DnsNames.parentDomain(query.name());
    return !config.tunnelIgnoredDomains().contains(parent);
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void onQuery(State state, DnsQuery query, long learningUntilMillis, Consumer<PolicyAnomaly> out) {
    long size = config.windowMillis();
    long start = Math.floorDiv(query.timeMillis(), size) * size;
    if (start <= state.lastClosedStart) {
      return;
    }
    state.client = query.client();
    state.clientKey = query.clientKey();
    String parentName = DnsNames.parentDomain(query.name());
    HashMap<String, Parent> parents = state.windows.computeIfAbsent(start, s -> new HashMap<>());
    Parent parent = parents.get(parentName);
    if (parent == null) {
      if (parents.size() >= MAX_PARENTS_PER_WINDOW) {
        return;
      }
      parent = new Parent();
      parents.put(parentName, parent);
    }
    parent.queries++;
    parent.first = Math.min(parent.first, query.timeMillis());
    parent.last = Math.max(parent.last, query.timeMillis());
    String sub = DnsNames.subdomain(query.name(), parentName);
    int letters = DnsNames.letters(sub);
    if (letters < config.tunnelMinLetters()) {
      return;
    }
    double entropy = DnsNames.entropy(sub);
    if (entropy < config.tunnelMinEntropy()) {
      return;
    }
    if (parent.encoded.size() < maxEncodedPerParent && parent.encoded.add(query.name())) {
      parent.entropySum += entropy;
      parent.lettersSum += letters;
      if (parent.samples.size() < SAMPLE_NAMES) {
        parent.samples.add(query.name());
      }
    }
  }

  @Override
  public void onWatermark(State state, long watermark, Consumer<PolicyAnomaly> out) {
    long size = config.windowMillis();
    while (!state.windows.isEmpty() && state.windows.firstKey() + size - 1 <= watermark) {
      Map.Entry<Long, HashMap<String, Parent>> e = state.windows.pollFirstEntry();
      state.lastClosedStart = e.getKey();
      e.getValue().forEach((name, parent) -> close(state, name, parent, out));
    }
    state.tracker.expire(watermark, pacing, out);
  }

  private void close(State state, String parentName, Parent parent, Consumer<PolicyAnomaly> out) {
    int names = parent.encoded.size();
    if (names < config.tunnelMinNames()) {
      return;
    }
    Severity severity = names >= 10L * config.tunnelMinNames() ? Severity.HIGH : Severity.MEDIUM;
    state.tracker.report(new Finding(type(), state.clientKey + ">" + parentName, parent.first, parent.last, severity,
        state.client, null, 53, null,
        Map.of("queries", parent.queries, "encodedNames", (long) names),
        Map.of("peakEncodedNames", (long) names),
        Map.of("meanEntropy", parent.entropySum / names, "meanLetters", (double) parent.lettersSum / names), List.of(),
        "names asked: " + String.join(", ", parent.samples)), pacing, out);
  }

  @Override
  public long nextDeadline(State state) {
    long next = state.tracker.nextExpiry(pacing);
    if (!state.windows.isEmpty()) {
      next = Math.min(next, state.windows.firstKey() + config.windowMillis() - 1);
    }
    return next;
  }

  @Override
  public boolean isEmpty(State state) {
    return state.windows.isEmpty() && state.tracker.isEmpty();
  }
}
