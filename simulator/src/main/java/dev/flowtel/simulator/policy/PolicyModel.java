package dev.flowtel.simulator.policy;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.callgraph.CallGraph;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.cluster.Role;
import dev.flowtel.simulator.cluster.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NetworkPolicies the application is meant to follow. In each default-deny namespace:
 * {@code default-deny} (empty podSelector, policyTypes Ingress and Egress, no rules),
 * {@code allow-dns-egress} (every pod to kube-dns on UDP and TCP 53), and per workload
 * {@code allow-<workload>-ingress} and {@code allow-<workload>-egress} permitting exactly its
 * edges of the call graph. Ingress rules name HTTP and gRPC ports by container port name; the rest
 * use numbers. Other namespaces have no policy, so everything is allowed there.
 */
public final class PolicyModel {

  private static final List<String> INGRESS_AND_EGRESS = List.of("Ingress", "Egress");

  private final Cluster cluster;
  private final CallGraph graph;
  private final List<NetworkPolicyState> policies = new ArrayList<>();

  private PolicyModel(Cluster cluster, CallGraph graph) {
    this.cluster = cluster;
    this.graph = graph;
  }

  public static PolicyModel build(Cluster cluster, CallGraph graph) {
    PolicyModel model = new PolicyModel(cluster, graph);
    model.derive();
    return model;
  }

  public List<NetworkPolicyState> policies() {
    return List.copyOf(policies);
  }

  public Optional<NetworkPolicyState> policy(String namespace, String name) {
    return policies.stream().filter(p -> p.getNamespace().equals(namespace) && p.getName().equals(name)).findFirst();
  }

  public static String ingressPolicyName(Workload server) {
    return "allow-" + server.name() + "-ingress";
  }

  /** Every namespace and policy as of {@code at}, ordered by key. */
  public List<ClusterStateRecord> snapshot(Instant at) {
    List<ClusterStateRecord> records = new ArrayList<>();
    for (KubeNamespace ns : cluster.namespaces()) {
      records.add(new ClusterStateRecord(ClusterStateRecord.namespaceKey(ns.name()),
          new ClusterState(ClusterObjectKind.NAMESPACE, at, "1", new NamespaceState(ns.name(), ns.labels()), null, null, null), at,
          null));
    }
    for (NetworkPolicyState p : policies) {
      records.add(record(p, at, "1"));
    }
    records.sort(Comparator.comparing(ClusterStateRecord::key));
    return records;
  }

  /** The record publishing {@code policy} as seen at {@code at}. */
  public static ClusterStateRecord record(NetworkPolicyState policy, Instant at, String resourceVersion) {
    return new ClusterStateRecord(ClusterStateRecord.networkPolicyKey(policy.getNamespace(), policy.getName()),
        new ClusterState(ClusterObjectKind.NETWORK_POLICY, at, resourceVersion, null, policy, null, null), at, null);
  }

  /**
   * Whether the policies let {@code client} open a connection to {@code server} (a workload's
   * Service, or null with {@code serverId} naming an external host). By construction the allow
   * rules mirror the call graph, so this answers from the graph; PolicyModelTest checks the
   * generated policies against it.
   */
  public boolean allows(Workload client, Workload server, String serverId) {
    boolean egress = !defaultDeny(client.namespace()) || graph.calls(client, serverId)
        || (server != null && server.role() == Role.DNS);
    boolean ingress = server == null || !defaultDeny(server.namespace()) || graph.calls(client, serverId);
    return egress && ingress;
  }

  public boolean defaultDeny(String namespace) {
    return cluster.namespace(namespace).defaultDeny();
  }

  private void derive() {
    Workload dns = cluster.kubeDns().backend();
    for (KubeNamespace ns : cluster.namespaces()) {
      if (!ns.defaultDeny()) {
        continue;
      }
      policies.add(new NetworkPolicyState(ns.name(), "default-deny", selector(Map.of()), INGRESS_AND_EGRESS, null, null));
      PolicyPeer kubeDns = new PolicyPeer(selector(Map.of(dns.selectorLabel().getKey(), dns.selectorLabel().getValue())),
          selector(Map.of(KubeNamespace.NAME_LABEL, Cluster.KUBE_SYSTEM)), null);
      policies.add(new NetworkPolicyState(ns.name(), "allow-dns-egress", selector(Map.of()), List.of("Egress"), null,
          List.of(new EgressRule(List.of(kubeDns), List.of(new PolicyPort("UDP", 53, null), new PolicyPort("TCP", 53, null))))));
      for (Workload w : cluster.workloads()) {
        if (!w.namespace().equals(ns.name())) {
          continue;
        }
        ingressPolicy(w);
        egressPolicy(w);
      }
    }
  }

  private void ingressPolicy(Workload server) {
    Map<ContainerPort, List<PolicyPeer>> byPort = new LinkedHashMap<>();
    for (CallEdge e : graph.edgesTo(server)) {
      List<PolicyPeer> peers = byPort.computeIfAbsent(e.port(), p -> new ArrayList<>());
      peers.add(e.clientWorkload() == null
          ? new PolicyPeer(null, null, new IpBlock("0.0.0.0/0", List.of("10.0.0.0/8")))
          : peerFor(e.clientWorkload(), server.namespace()));
    }
    if (byPort.isEmpty()) {
      return;
    }
    List<IngressRule> rules = new ArrayList<>();
    byPort.forEach((port, peers) -> {
      Object portRef = port.name().equals("http") || port.name().equals("grpc") ? port.name() : (Object) port.port();
      rules.add(new IngressRule(peers, List.of(new PolicyPort(port.protocol().name(), portRef, null))));
    });
    policies.add(new NetworkPolicyState(server.namespace(), ingressPolicyName(server), podSelector(server), List.of("Ingress"),
        rules, null));
  }

  private void egressPolicy(Workload client) {
    List<EgressRule> rules = new ArrayList<>();
    for (CallEdge e : graph.edgesFrom(client)) {
      if (e.service() != null && e.service().backend().role() == Role.DNS) {
        continue;
      }
      PolicyPeer to = e.toExternal()
          ? new PolicyPeer(null, null, new IpBlock(Ipv4.format(e.servers().get(0).address()) + "/32", List.of()))
          : peerFor(e.service().backend(), client.namespace());
      rules.add(new EgressRule(List.of(to), List.of(new PolicyPort(e.port().protocol().name(), e.port().port(), null))));
    }
    if (!rules.isEmpty()) {
      policies.add(new NetworkPolicyState(client.namespace(), "allow-" + client.name() + "-egress", podSelector(client),
          List.of("Egress"), null, rules));
    }
  }

  private static PolicyPeer peerFor(Workload other, String policyNamespace) {
    LabelSelector pods = podSelector(other);
    return other.namespace().equals(policyNamespace)
        ? new PolicyPeer(pods, null, null)
        : new PolicyPeer(pods, selector(Map.of(KubeNamespace.NAME_LABEL, other.namespace())), null);
  }

  private static LabelSelector podSelector(Workload w) {
    return selector(Map.of(w.selectorLabel().getKey(), w.selectorLabel().getValue()));
  }

  private static LabelSelector selector(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }
}
