package dev.flowtel.collector.enrich;

import dev.flowtel.core.config.DurationOption;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The enrichment options of the collector's command line, as a picocli mixin
 * ({@code @Mixin EnrichmentOptions enrichment;} in the collector's config class), so every option
 * and its default is written once, here, and in {@link EnrichmentSettings}.
 */
public final class EnrichmentOptions {

  @Option(names = "--enrich", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Fill each flow's source and destination from the Kubernetes API (pods, services, owners). Default: ${DEFAULT-VALUE}.")
  boolean enabled = true;

  @Option(names = "--pod-cidrs", defaultValue = EnrichmentSettings.DEFAULT_POD_CIDRS,
      description = "Pod network CIDRs, comma-separated; an address here that no pod holds is UNKNOWN/POD. Default: ${DEFAULT-VALUE}.")
  String podCidrs;

  @Option(names = "--service-cidrs", defaultValue = EnrichmentSettings.DEFAULT_SERVICE_CIDRS,
      description = "Service ClusterIP CIDRs, comma-separated. Default: ${DEFAULT-VALUE}.")
  String serviceCidrs;

  @Option(names = "--node-cidrs", defaultValue = "",
      description = "Node address CIDRs, comma-separated (nodes are also learnt from pods' hostIPs). Default: none.")
  String nodeCidrs;

  @Option(names = "--cluster-cidrs", defaultValue = "",
      description = "Other in-cluster ranges, classed CLUSTER, comma-separated. Default: none.")
  String clusterCidrs;

  @Option(names = "--private-cidrs", defaultValue = EnrichmentSettings.DEFAULT_PRIVATE_CIDRS,
      description = "Private ranges outside the cluster, classed PRIVATE; everything else is PUBLIC. Default: ${DEFAULT-VALUE}.")
  String privateCidrs;

  @Option(names = "--ip-history-retention", defaultValue = "10m", converter = DurationOption.class,
      description = "How long an ended pod stays attributable to its IP, for flows exported late (ISO-8601 or 90s/10m). Default: 10m.")
  Duration historyRetention;

  @Option(names = "--ip-history-max", defaultValue = "8",
      description = "Pods remembered per IP, the live one included. Default: ${DEFAULT-VALUE}.")
  int maxTenancies;

  @Option(names = "--informer-resync", defaultValue = "0", converter = DurationOption.class,
      description = "Informer resync period; 0 (the default) disables it: the informers keep only keys, so a resync "
          + "repairs nothing, and a broken watch is repaired by a full relist anyway.")
  Duration resync;

  @Option(names = "--informer-sync-timeout", defaultValue = "60s", converter = DurationOption.class,
      description = "How long to wait at start for the first full list of pods, services and owners. Default: 60s.")
  Duration syncTimeout;

  public boolean enabled() {
    return enabled;
  }

  /** The settings these options describe; errors name the option. */
  public EnrichmentSettings toSettings() {
    return new EnrichmentSettings(EnrichmentSettings.cidrs("--pod-cidrs", podCidrs),
        EnrichmentSettings.cidrs("--service-cidrs", serviceCidrs), EnrichmentSettings.cidrs("--node-cidrs", nodeCidrs),
        EnrichmentSettings.cidrs("--cluster-cidrs", clusterCidrs), EnrichmentSettings.cidrs("--private-cidrs", privateCidrs),
        historyRetention, maxTenancies, resync, syncTimeout);
  }

}
