package dev.flowtel.core.dns;

import dev.flowtel.core.config.DurationOption;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The DNS detectors' thresholds as every detection program takes them (a picocli mixin): one option per
 * {@link DnsDetectionConfig} component, named in its kebab case, with its default. The window is
 * {@code --dns-detection-window} because {@code --dns-window} is the DNS activity aggregation's
 * ({@link dev.flowtel.core.dns.activity.DnsActivityOptions}), which the Kafka Streams app takes beside this.
 */
public final class DnsDetectionOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--dns-detection-window", defaultValue = "1m", converter = DurationOption.class,
      description = "NXDOMAIN_SPIKE and DNS_TUNNEL: tumbling window over which one workload's queries are counted.")
  Duration window;

  @Option(names = "--cluster-domain", defaultValue = DnsDetectionConfig.DEFAULT_CLUSTER_DOMAIN,
      description = "NXDOMAIN_SPIKE: the cluster's DNS domain; NXDOMAIN answers for names under it (the resolver's"
          + " search path, a mistyped Service) are never counted.")
  String clusterDomain;

  @Option(names = "--nxdomain-min-answers", defaultValue = "" + DnsDetectionConfig.DEFAULT_NXDOMAIN_MIN_ANSWERS,
      description = "NXDOMAIN_SPIKE: fewest NXDOMAIN answers, for the names it counts (outside the cluster domain, no search-path"
          + " expansion), in a window.")
  long nxdomainMinAnswers;

  @Option(names = "--nxdomain-min-names", defaultValue = "" + DnsDetectionConfig.DEFAULT_NXDOMAIN_MIN_NAMES,
      description = "NXDOMAIN_SPIKE: fewest distinct counted names in a window over the workload's usual count (a broken client"
          + " retries one name).")
  int nxdomainMinNames;

  @Option(names = "--nxdomain-spike-factor", defaultValue = "" + DnsDetectionConfig.DEFAULT_NXDOMAIN_SPIKE_FACTOR,
      description = "NXDOMAIN_SPIKE: spike when a window's distinct counted names reach factor x their moving mean per window"
          + " + --nxdomain-min-names.")
  double nxdomainSpikeFactor;

  @Option(names = "--nxdomain-ewma-alpha", defaultValue = "" + DnsDetectionConfig.DEFAULT_NXDOMAIN_EWMA_ALPHA,
      description = "NXDOMAIN_SPIKE: weight of the newest window in the moving mean.")
  double nxdomainEwmaAlpha;

  @Option(names = "--tunnel-min-names", defaultValue = "" + DnsDetectionConfig.DEFAULT_TUNNEL_MIN_NAMES,
      description = "DNS_TUNNEL: distinct encoded-looking names under one parent domain in a window.")
  int tunnelMinNames;

  @Option(names = "--tunnel-min-letters", defaultValue = "" + DnsDetectionConfig.DEFAULT_TUNNEL_MIN_LETTERS,
      description = "DNS_TUNNEL: fewest characters (dots left out) in front of the parent domain for a name to look encoded.")
  int tunnelMinLetters;

  @Option(names = "--tunnel-min-entropy", defaultValue = "" + DnsDetectionConfig.DEFAULT_TUNNEL_MIN_ENTROPY,
      description = "DNS_TUNNEL: fewest bits per character of that part for a name to look encoded.")
  double tunnelMinEntropy;

  // Picocli cannot take an empty list from the command line, so "--tunnel-ignored-domains=" gives one
  // blank entry, which dnsDetectionConfig() drops: that is how a user ignores no domain at all.
  @Option(names = "--tunnel-ignored-domains", split = ",", defaultValue = "compute.internal,ec2.internal,google.internal",
      description = "DNS_TUNNEL: parent domains never reported (default: the clouds' node search zones, which every"
          + " short external name is first asked under); '--tunnel-ignored-domains=' for none.")
  List<String> tunnelIgnoredDomains;

  /** The DNS detectors' thresholds; throws IllegalArgumentException naming the option that is out of range. */
  public DnsDetectionConfig dnsDetectionConfig() {
    // Checked here too, so that the message carries the flag as a user types it.
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("--dns-detection-window " + window + ": give a positive duration");
    }
    if (clusterDomain.isBlank()) {
      throw new IllegalArgumentException("--cluster-domain is empty: give the cluster's DNS domain, e.g. "
          + DnsDetectionConfig.DEFAULT_CLUSTER_DOMAIN);
    }
    List<String> ignored = tunnelIgnoredDomains.stream().map(String::strip).filter(d -> !d.isEmpty()).toList();
    return new DnsDetectionConfig(window, clusterDomain.strip(), nxdomainMinAnswers, nxdomainMinNames, nxdomainSpikeFactor,
        nxdomainEwmaAlpha, tunnelMinNames, tunnelMinLetters, tunnelMinEntropy, ignored);
  }
}
