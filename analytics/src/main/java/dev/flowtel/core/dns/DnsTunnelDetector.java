package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.core.anomaly.lifecycle.Finding;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

  /** One client's open windows (what each saw per parent domain) and open anomalies. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    final ClientWindows<HashMap<String, Parent>> windows = new ClientWindows<>();
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
    HashMap<String, Parent> parents = state.windows.windowOf(query, config.windowMillis(), HashMap::new);
    if (parents == null) {
      return;
    }
    String parentName = DnsNames.parentDomain(query.name());
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
    state.windows.closeUpTo(watermark, config.windowMillis(),
        (start, parents) -> parents.forEach((name, parent) -> close(state.windows, name, parent, out)));
    state.windows.tracker.expire(watermark, pacing, out);
  }

  private void close(ClientWindows<?> client, String parentName, Parent parent, Consumer<PolicyAnomaly> out) {
    int names = parent.encoded.size();
    if (names < config.tunnelMinNames()) {
      return;
    }
    Severity severity = names >= 10L * config.tunnelMinNames() ? Severity.HIGH : Severity.MEDIUM;
    client.tracker.report(new Finding(type(), client.clientKey + ">" + parentName, parent.first, parent.last, severity,
        client.client, null, 53, null,
        Map.of("queries", parent.queries, "encodedNames", (long) names),
        Map.of("peakEncodedNames", (long) names),
        Map.of("meanEntropy", parent.entropySum / names, "meanLetters", (double) parent.lettersSum / names), List.of(),
        "names asked: " + String.join(", ", parent.samples)), pacing, out);
  }

  @Override
  public long nextDeadline(State state) {
    return state.windows.nextDeadline(config.windowMillis(), pacing);
  }

  @Override
  public boolean isEmpty(State state) {
    return state.windows.isEmpty();
  }
}
