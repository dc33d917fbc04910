package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.schema.NetworkClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an address lies when no pod, Service or node owns it: the first of pod, service, node,
 * cluster, loopback and private CIDRs (in that order) that contains it, else {@code PUBLIC}.
 * Cluster ranges come first because the pod CIDR usually sits inside a private range.
 */
public final class NetworkClassifier {

  private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

  private record Range(Cidr cidr, NetworkClass networkClass) {}

  private final Range[] ranges;

  public NetworkClassifier(EnrichmentSettings settings) {
    List<Range> all = new ArrayList<>();
    settings.podCidrs().forEach(c -> all.add(new Range(c, NetworkClass.POD)));
    settings.serviceCidrs().forEach(c -> all.add(new Range(c, NetworkClass.SERVICE)));
    settings.nodeCidrs().forEach(c -> all.add(new Range(c, NetworkClass.NODE)));
    settings.clusterCidrs().forEach(c -> all.add(new Range(c, NetworkClass.CLUSTER)));
    LOOPBACK.forEach(c -> all.add(new Range(c, NetworkClass.LOOPBACK)));
    settings.privateCidrs().forEach(c -> all.add(new Range(c, NetworkClass.PRIVATE)));
    this.ranges = all.toArray(Range[]::new);
  }

  public NetworkClass classify(IpAddress address) {
    for (Range range : ranges) {
      if (range.cidr().contains(address)) {
        return range.networkClass();
      }
    }
    return NetworkClass.PUBLIC;
  }
}
