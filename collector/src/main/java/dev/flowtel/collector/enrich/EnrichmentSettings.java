package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the collector enriches flows with Kubernetes identities. Defaults are those of
 * {@link #defaults()}; {@link EnrichmentOptions} exposes each as a command-line option.
 *
 * @param podCidrs the pod network; an address here that no pod holds is {@code UNKNOWN}/{@code POD}
 *     (default {@code 10.244.0.0/16}, kind's and flannel's default)
 * @param serviceCidrs the Service ClusterIP range (default {@code 10.96.0.0/12}, kubeadm's default)
 * @param nodeCidrs node addresses; nodes are also learnt from every pod's {@code status.hostIPs}
 *     (default none)
 * @param clusterCidrs other ranges inside the cluster, classed {@code CLUSTER} (default none)
 * @param privateCidrs non-cluster private ranges, classed {@code PRIVATE} (default RFC 1918 and
 *     RFC 4193: {@code 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7}); the rest is {@code PUBLIC}
 * @param historyRetention how long an ended pod stays attributable to its IP, so flows exported
 *     late still reach the pod that held the address then (default 10 min)
 * @param maxTenanciesPerAddress how many pods one IP remembers, the live one included (default 8)
 * @param resyncPeriod informer resync (default 0, off). fabric8's resync re-delivers the objects
 *     in the informer's own store, which here holds only keys and resourceVersions, so it cannot
 *     repair anything; a missed event is repaired by the full relist fabric8 makes whenever a
 *     watch breaks. Kept for informers whose store is not reduced.
 * @param syncTimeout how long {@code start()} waits for the first full list of every kind (default 60 s)
 */
public record EnrichmentSettings(List<Cidr> podCidrs, List<Cidr> serviceCidrs, List<Cidr> nodeCidrs,
    List<Cidr> clusterCidrs, List<Cidr> privateCidrs, Duration historyRetention, int maxTenanciesPerAddress,
    Duration resyncPeriod, Duration syncTimeout) {

  public static final String DEFAULT_POD_CIDRS = "10.244.0.0/16";
  public static final String DEFAULT_SERVICE_CIDRS = "10.96.0.0/12";
  public static final String DEFAULT_PRIVATE_CIDRS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

  public EnrichmentSettings {
    podCidrs = List.copyOf(podCidrs);
    serviceCidrs = List.copyOf(serviceCidrs);
    nodeCidrs = List.copyOf(nodeCidrs);
    clusterCidrs = List.copyOf(clusterCidrs);
    privateCidrs = List.copyOf(privateCidrs);
    Objects.requireNonNull(historyRetention, "historyRetention");
    Objects.requireNonNull(resyncPeriod, "resyncPeriod");
    Objects.requireNonNull(syncTimeout, "syncTimeout");
    if (maxTenanciesPerAddress < 1) {
      throw new IllegalArgumentException("max tenancies per address must be at least 1, not " + maxTenanciesPerAddress);
    }
    if (historyRetention.isNegative() || resyncPeriod.isNegative()) {
      throw new IllegalArgumentException("history retention and resync period may not be negative");
    }
  }

  public static EnrichmentSettings defaults() {
    return new EnrichmentSettings(cidrs("--pod-cidrs", DEFAULT_POD_CIDRS), cidrs("--service-cidrs", DEFAULT_SERVICE_CIDRS),
        List.of(), List.of(), cidrs("--private-cidrs", DEFAULT_PRIVATE_CIDRS), Duration.ofMinutes(10), 8,
        Duration.ZERO, Duration.ofSeconds(60));
  }

  /** Comma-separated CIDRs; empty text is no CIDR. {@code option} names the source in errors. */
  public static List<Cidr> cidrs(String option, String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> cidr(option, s)).toList();
  }

  /**
   * One CIDR of an option, with the option named in the error, e.g.
   * {@code --pod-cidrs "10.0.0.0/33" is not a CIDR: prefix 33 exceeds 32}.
   */
  private static Cidr cidr(String option, String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(option + " \"" + text + "\" is not a CIDR: expected address/prefix, e.g. 10.244.0.0/16");
    }
    IpAddress address;
    int prefix;
    try {
      address = IpAddress.parse(t.substring(0, slash)).unmapped();
      prefix = Integer.parseInt(t.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " \"" + text + "\" is not a CIDR: " + e.getMessage(), e);
    }
    if (prefix < 0 || prefix > address.bits()) {
      throw new IllegalArgumentException(option + " \"" + text + "\" is not a CIDR: prefix " + prefix + " exceeds " + address.bits());
    }
    return new Cidr(address, prefix);
  }

  public EnrichmentSettings withPodCidrs(List<Cidr> cidrs) {
    return new EnrichmentSettings(cidrs, serviceCidrs, nodeCidrs, clusterCidrs, privateCidrs, historyRetention,
        maxTenanciesPerAddress, resyncPeriod, syncTimeout);
  }

  public EnrichmentSettings withHistory(Duration retention, int maxTenancies) {
    return new EnrichmentSettings(podCidrs, serviceCidrs, nodeCidrs, clusterCidrs, privateCidrs, retention, maxTenancies,
        resyncPeriod, syncTimeout);
  }
}
