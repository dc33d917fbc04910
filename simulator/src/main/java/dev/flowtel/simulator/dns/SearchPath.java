package dev.flowtel.simulator.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * A pod's resolv.conf as kubelet writes it for {@code dnsPolicy: ClusterFirst}: search its namespace's Service
 * domain, {@code svc.<cluster domain>}, the cluster domain, then the node's own search domain (a cloud's, e.g.
 * {@code eu-west-1.compute.internal}, which kubelet copies from the host), with {@code ndots:5}. This is why a
 * lookup of {@code api.example.com} is first asked as {@code api.example.com.shop.svc.cluster.local} and so on,
 * each NXDOMAIN, before the bare name answers.
 */
record SearchPath(List<String> domains, int ndots) {

  static SearchPath of(String namespace, String clusterDomain, String nodeDomain) {
    List<String> domains = new ArrayList<>(List.of(namespace + ".svc." + clusterDomain, "svc." + clusterDomain, clusterDomain));
    if (nodeDomain != null) {
      domains.add(nodeDomain);
    }
    return new SearchPath(List.copyOf(domains), 5);
  }

  /**
   * The names a stub resolver asks, in order, for {@code name}: itself only when absolute (trailing dot); with
   * fewer than ndots dots every search domain first, then the bare name; otherwise the bare name first.
   */
  List<String> candidates(String name) {
    if (name.endsWith(".")) {
      return List.of(name.substring(0, name.length() - 1));
    }
    long dots = name.chars().filter(c -> c == '.').count();
    List<String> out = new ArrayList<>(domains.size() + 1);
    if (dots >= ndots) {
      out.add(name);
    }
    for (String d : domains) {
      out.add(name + "." + d);
    }
    if (dots < ndots) {
      out.add(name);
    }
    return out;
  }
}
