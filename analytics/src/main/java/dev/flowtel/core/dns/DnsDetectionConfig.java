package dev.flowtel.core.dns;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every threshold of the DNS detectors, its default and its meaning (docs/detection.md explains both
 * detectors with these defaults).
 *
 * @param window tumbling event-time window over which one workload's queries are counted (default 1m)
 * @param clusterDomain the cluster's DNS domain: NXDOMAIN answers for names under it are the resolver's
 *     search-path expansion ({@code api.example.com.shop.svc.cluster.local} for a pod's {@code ndots:5})
 *     or a mistyped Service, never a generated domain, and are not counted (default cluster.local)
 * @param nxdomainMinAnswers fewest NXDOMAIN answers, for the names counted (outside the cluster domain and no
 *     search-path expansion), in a window that can be a spike (default 20)
 * @param nxdomainMinNames fewest distinct such names in a window that can be a spike, over the workload's usual count
 *     (default 10): a generated-domain burst asks many names, a broken client retries one
 * @param nxdomainSpikeFactor a window is a spike when its distinct NXDOMAIN names that are no search-path expansion
 *     (the suffixes learned per client, see NxdomainSpikeDetector) reach this many times the workload's moving mean of
 *     the same count per window, plus {@code nxdomainMinNames} (default 5)
 * @param nxdomainEwmaAlpha weight of the newest window in that moving mean (default 0.1)
 * @param tunnelMinNames distinct encoded-looking names under one parent domain in a window that make a likely
 *     tunnel (default 30)
 * @param tunnelMinLetters fewest characters (dots left out) in front of the parent domain for a name to look
 *     encoded (default 24)
 * @param tunnelMinEntropy fewest bits per character of that part for a name to look encoded (default 3.5: hex
 *     and base32 payloads reach 3.8-5; it leaves out short and repetitive names, but long descriptive host names
 *     reach 3.8 too, so the number of distinct such names, {@code tunnelMinNames}, is what decides)
 * @param tunnelIgnoredDomains parent domains never reported as tunnels, e.g. a vendor whose telemetry encodes
 *     data in names (default: the clouds' node search zones {@code compute.internal} and {@code ec2.internal} (AWS)
 *     and {@code google.internal} (GKE). Kubelet copies a cloud node's search domain into every pod's resolv.conf,
 *     so under {@code ndots:5} every lookup of a short external name is first asked as
 *     {@code <name>.eu-west-1.compute.internal}: a generated-domain burst then looks like many long, high-entropy
 *     names under {@code compute.internal}. The cloud's own resolver answers those zones, so no query under them
 *     can reach a tunnel's server; GKE's {@code c.<project>.internal} has a parent of its own to add here)
 */
public record DnsDetectionConfig(
    Duration window,
    String clusterDomain,
    long nxdomainMinAnswers,
    int nxdomainMinNames,
    double nxdomainSpikeFactor,
    double nxdomainEwmaAlpha,
    int tunnelMinNames,
    int tunnelMinLetters,
    double tunnelMinEntropy,
    List<String> tunnelIgnoredDomains) implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
  public static final long DEFAULT_NXDOMAIN_MIN_ANSWERS = 20;
  public static final int DEFAULT_NXDOMAIN_MIN_NAMES = 10;
  public static final double DEFAULT_NXDOMAIN_SPIKE_FACTOR = 5;
  public static final double DEFAULT_NXDOMAIN_EWMA_ALPHA = 0.1;
  public static final int DEFAULT_TUNNEL_MIN_NAMES = 30;
  public static final int DEFAULT_TUNNEL_MIN_LETTERS = 24;
  public static final double DEFAULT_TUNNEL_MIN_ENTROPY = 3.5;
  public static final List<String> DEFAULT_TUNNEL_IGNORED_DOMAINS = List.of("compute.internal", "ec2.internal", "google.internal");

  public DnsDetectionConfig {
    Objects.requireNonNull(window, "dns-detection-window");
    require(!window.isNegative() && !window.isZero(), "dns-detection-window", window, "positive");
    clusterDomain = Objects.requireNonNull(clusterDomain, "cluster-domain").toLowerCase(java.util.Locale.ROOT);
    require(nxdomainMinAnswers >= 1, "nxdomain-min-answers", nxdomainMinAnswers, "1 or more");
    require(nxdomainMinNames >= 1, "nxdomain-min-names", nxdomainMinNames, "1 or more");
    require(nxdomainSpikeFactor >= 1, "nxdomain-spike-factor", nxdomainSpikeFactor, "1 or more");
    require(nxdomainEwmaAlpha > 0 && nxdomainEwmaAlpha <= 1, "nxdomain-ewma-alpha", nxdomainEwmaAlpha, "in (0, 1]");
    require(tunnelMinNames >= 2, "tunnel-min-names", tunnelMinNames, "2 or more");
    require(tunnelMinLetters >= 1 && tunnelMinLetters <= 253, "tunnel-min-letters", tunnelMinLetters, "1 to 253");
    require(tunnelMinEntropy >= 0, "tunnel-min-entropy", tunnelMinEntropy, "0 or more");
    tunnelIgnoredDomains = tunnelIgnoredDomains.stream().map(d -> d.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  public static DnsDetectionConfig defaults() {
    return new DnsDetectionConfig(DEFAULT_WINDOW, DEFAULT_CLUSTER_DOMAIN, DEFAULT_NXDOMAIN_MIN_ANSWERS,
        DEFAULT_NXDOMAIN_MIN_NAMES, DEFAULT_NXDOMAIN_SPIKE_FACTOR, DEFAULT_NXDOMAIN_EWMA_ALPHA, DEFAULT_TUNNEL_MIN_NAMES,
        DEFAULT_TUNNEL_MIN_LETTERS, DEFAULT_TUNNEL_MIN_ENTROPY, DEFAULT_TUNNEL_IGNORED_DOMAINS);
  }

  public long windowMillis() {
    return window.toMillis();
  }

  private static void require(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("detection setting " + name + " = " + value + " is out of range: expected " + expected);
    }
  }
}
