package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every choice {@link PolicyRecommender} leaves to its user, with its default and meaning in one
 * place ({@code ./flowtel policy recommend} options carry the same names).
 *
 * @param perNamespace how {@link Recommendation#files()} groups policies: false (default) one file
 *     per workload with its ingress and egress policy, true one file per namespace. The policies
 *     are the same either way.
 * @param defaultDeny add a {@code default-deny} policy (empty podSelector, Ingress and Egress, no
 *     rules) to every namespace that has workloads (default false): with it, whatever the
 *     recommendation does not name is denied, also for workloads that were never seen
 * @param dns the cluster DNS: where the DNS egress rule points (default kube-system pods labelled
 *     {@code k8s-app=kube-dns}, UDP and TCP 53)
 * @param dnsForEveryEgressPolicy give every recommended egress policy the DNS rule, also when the
 *     workload was not seen resolving names in the period (default true): a pod's resolver cache
 *     hides its lookups for as long as it lives, and an egress policy without DNS breaks the
 *     workload at its next restart; one rule to the cluster's own DNS pods costs nothing in privilege
 * @param aggregateAbove external addresses of one edge that share a /24 (IPv4) or /64 (IPv6) are
 *     folded into that prefix when there are more than this many of them; otherwise each is its
 *     own /32 or /128 (default 4)
 * @param anomalyMargin slack either side of an anomaly's first and last seen when deciding that an
 *     edge lived only inside it (default 1 minute: anomaly times are window bounds)
 */
public record RecommendOptions(boolean perNamespace, boolean defaultDeny, DnsService dns, boolean dnsForEveryEgressPolicy,
    int aggregateAbove, Duration anomalyMargin) {

  public static final int DEFAULT_AGGREGATE_ABOVE = 4;
  public static final Duration DEFAULT_ANOMALY_MARGIN = Duration.ofMinutes(1);

  public RecommendOptions {
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(anomalyMargin, "anomalyMargin");
    if (aggregateAbove < 1) {
      throw new IllegalArgumentException("aggregateAbove " + aggregateAbove + " must be 1 or more");
    }
    if (anomalyMargin.isNegative()) {
      throw new IllegalArgumentException("anomalyMargin " + anomalyMargin + " must be zero or positive");
    }
  }

  public static RecommendOptions defaults() {
    return new RecommendOptions(false, false, DnsService.KUBE_DNS, true, DEFAULT_AGGREGATE_ABOVE, DEFAULT_ANOMALY_MARGIN);
  }

  public RecommendOptions withPerNamespace(boolean v) {
    return new RecommendOptions(v, defaultDeny, dns, dnsForEveryEgressPolicy, aggregateAbove, anomalyMargin);
  }

  public RecommendOptions withDefaultDeny(boolean v) {
    return new RecommendOptions(perNamespace, v, dns, dnsForEveryEgressPolicy, aggregateAbove, anomalyMargin);
  }

  public RecommendOptions withDns(DnsService v) {
    return new RecommendOptions(perNamespace, defaultDeny, v, dnsForEveryEgressPolicy, aggregateAbove, anomalyMargin);
  }

  public RecommendOptions withDnsForEveryEgressPolicy(boolean v) {
    return new RecommendOptions(perNamespace, defaultDeny, dns, v, aggregateAbove, anomalyMargin);
  }

  public RecommendOptions withAggregateAbove(int v) {
    return new RecommendOptions(perNamespace, defaultDeny, dns, dnsForEveryEgressPolicy, v, anomalyMargin);
  }

  public RecommendOptions withAnomalyMargin(Duration v) {
    return new RecommendOptions(perNamespace, defaultDeny, dns, dnsForEveryEgressPolicy, aggregateAbove, v);
  }

  /**
   * The cluster DNS as an egress rule names it: its namespace, the labels of its pods, its ports.
   * Edges to any workload whose pods carry these labels in that namespace, on one of these ports,
   * are DNS lookups and become this one rule.
   */
  public record DnsService(String namespace, Map<String, String> podLabels, List<PolicyPort> ports) {

    /** CoreDNS as kubeadm, kind, EKS, GKE and AKS deploy it. */
    public static final DnsService KUBE_DNS = new DnsService("kube-system", Map.of("k8s-app", "kube-dns"),
        List.of(PolicyPort.number(Protocol.UDP, 53), PolicyPort.number(Protocol.TCP, 53)));

    public DnsService {
      Objects.requireNonNull(namespace, "namespace");
      podLabels = Map.copyOf(podLabels);
      ports = List.copyOf(ports);
      if (podLabels.isEmpty()) {
        throw new IllegalArgumentException("the DNS service needs pod labels: an empty selector would allow every pod of "
            + namespace);
      }
    }

    /** Whether traffic to this port and protocol is a DNS lookup. */
    public boolean servesPort(Protocol protocol, int port) {
      return ports.stream().anyMatch(p -> p.protocol() == protocol && (p.port() == 0 || p.port() == port
          || (p.endPort() != 0 && port >= p.port() && port <= p.endPort())));
    }
  }
}
