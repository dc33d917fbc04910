package dev.flowtel.simulator.dns;

import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Service;
import java.util.HashMap;
import java.util.Map;

/**
 * What the cluster's resolver (CoreDNS and its upstream) answers for the names the simulated workloads ask: every
 * Service's {@code svc.ns.svc.<cluster domain>} with its cluster IP (TTL 5 s, CoreDNS's kubernetes default), the
 * external names of {@link ExternalNames} with addresses derived from the name, and NXDOMAIN for everything else.
 */
final class ResolverZone {

  /** One existing name: its IPv4 address, whether it also has an AAAA record, and the TTL served. */
  record Answer(int ipv4, boolean aaaa, long ttlSeconds, boolean inCluster) {}

  private final Map<String, Answer> names = new HashMap<>();

  ResolverZone(Cluster cluster, String clusterDomain) {
    for (Service s : cluster.services()) {
      names.put(serviceName(s, clusterDomain), new Answer(s.clusterIp(), false, 5, true));
    }
  }

  static String serviceName(Service s, String clusterDomain) {
    return s.name() + "." + s.namespace() + ".svc." + clusterDomain;
  }

  /** Registers an external name at {@code ipv4}. */
  void external(String name, int ipv4, boolean aaaa, long ttlSeconds) {
    names.putIfAbsent(name, new Answer(ipv4, aaaa, ttlSeconds, false));
  }

  /** Registers an external name with a public address derived from the name (stable across seeds). */
  void external(String name, boolean aaaa) {
    int h = name.hashCode();
    // 3.0.0.0/8 and 13.0.0.0/8: public cloud space, never one of the cluster's or the flows' addresses.
    int first = (h & 1) == 0 ? 3 : 13;
    external(name, (first << 24) | ((h >>> 8) & 0xFFFFFF), aaaa, 60);
  }

  /** The answer for {@code name}, or null: NXDOMAIN. */
  Answer lookup(String name) {
    return names.get(name);
  }
}
