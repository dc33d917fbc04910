package dev.flowtel.core.dns;

import dev.flowtel.core.anomaly.lifecycle.AnomalyPacing;
import dev.flowtel.schema.AnomalyType;
import java.util.List;
import java.util.Set;

/** The DNS detectors an engine runs over flowtel.dns.v1, and the anomaly types only they raise. */
public final class DnsDetectors {

  /** Raised from DNS transactions, never from flows: flow-only inputs provoke every other type but these. */
  public static final Set<AnomalyType> ANOMALY_TYPES = Set.of(AnomalyType.NXDOMAIN_SPIKE, AnomalyType.DNS_TUNNEL);

  private DnsDetectors() {}

  public static List<DnsDetector<?>> all(DnsDetectionConfig config, AnomalyPacing pacing) {
    return List.of(new NxdomainSpikeDetector(config, pacing), new DnsTunnelDetector(config, pacing));
  }
}
