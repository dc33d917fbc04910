package dev.flowtel.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.Ipv4;
import dev.flowtel.simulator.cluster.KubeNamespace;
import dev.flowtel.simulator.cluster.Workload;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Given the default cluster (4 application namespaces, the last one open), its cluster state is complete and exact. */
class ClusterStateTest {

  private final ClusterSimulator simulator = ClusterSimulator.of(SimulatorSettings.defaults());
  private final Cluster cluster = simulator.cluster();
  private final WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);

  @Test
  void everyRecordRoundTripsThroughTheWireCodec() {
    for (ClusterStateRecord record : simulator.clusterState()) {
      DecodeResult<ClusterState> decoded = codec.decode(codec.encode(record.value()));
      assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
      assertThat(((DecodeResult.Decoded<ClusterState>) decoded).record()).isEqualTo(record.value());
    }
  }

  @Test
  void everyNamespaceHasARecordUnderItsKey() {
    assertThat(cluster.namespaces()).extracting(KubeNamespace::name)
        .containsExactly("kube-system", "ingress-nginx", "monitoring", "shop", "payments", "catalog", "accounts");
    for (KubeNamespace ns : cluster.namespaces()) {
      ClusterState state = value("Namespace/" + ns.name());
      assertThat(state.getKind()).isEqualTo(ClusterObjectKind.NAMESPACE);
      assertThat(state.getNamespace().getLabels()).containsEntry("kubernetes.io/metadata.name", ns.name());
      assertThat(state.getObservedAt()).isEqualTo(simulator.settings().start());
    }
  }

  @Test
  void defaultDenyNamespacesDenyEverythingThenAllowDns() {
    assertThat(cluster.namespaces()).filteredOn(KubeNamespace::defaultDeny).extracting(KubeNamespace::name)
        .containsExactly("shop", "payments", "catalog");
    for (String ns : List.of("shop", "payments", "catalog")) {
      NetworkPolicyState deny = value("NetworkPolicy/" + ns + "/default-deny").getNetworkPolicy();
      assertThat(deny.getPodSelector().getMatchLabels()).isEmpty();
      assertThat(deny.getPodSelector().getMatchExpressions()).isEmpty();
      assertThat(deny.getPolicyTypes()).containsExactly("Ingress", "Egress");
      assertThat(deny.getIngress()).isNull();
      assertThat(deny.getEgress()).isNull();
      NetworkPolicyState dns = value("NetworkPolicy/" + ns + "/allow-dns-egress").getNetworkPolicy();
      assertThat(dns.getEgress()).hasSize(1);
      PolicyPeer kubeDns = dns.getEgress().get(0).getTo().get(0);
      assertThat(kubeDns.getNamespaceSelector().getMatchLabels()).containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
      assertThat(kubeDns.getPodSelector().getMatchLabels()).containsExactly(Map.entry("k8s-app", "kube-dns"));
      assertThat(dns.getEgress().get(0).getPorts()).extracting(PolicyPort::getProtocol, PolicyPort::getPort)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("UDP", 53), org.assertj.core.groups.Tuple.tuple("TCP", 53));
    }
    assertThat(simulator.clusterState()).noneMatch(r -> r.key().startsWith("NetworkPolicy/accounts/"));
  }

  @Test
  void webIngressAllowsTheIngressControllerOnItsNamedPort() {
    NetworkPolicyState web = value("NetworkPolicy/shop/allow-web-ingress").getNetworkPolicy();
    assertThat(web.getPodSelector().getMatchLabels()).containsExactly(Map.entry("app", "web"));
    assertThat(web.getPolicyTypes()).containsExactly("Ingress");
    IngressRule rule = web.getIngress().get(0);
    assertThat(rule.getPorts()).extracting(PolicyPort::getProtocol, PolicyPort::getPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("TCP", "http"));
    assertThat(rule.getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "ingress-nginx"));
  }

  @Test
  void thePoliciesAllowEveryModelledEdge() {
    List<NetworkPolicyState> policies = simulator.policies().policies();
    for (CallEdge edge : simulator.callGraph().edges()) {
      if (edge.clientWorkload() == null) {
        continue;
      }
      Workload server = edge.service() == null ? null : edge.service().backend();
      assertThat(evaluate(policies, edge.clientWorkload(), server, edge.servers().get(0).address(), edge.port()))
          .as("%s", edge.key()).isTrue();
    }
  }

  @Test
  void thePoliciesDenyACallOutsideTheGraphInADefaultDenyNamespace() {
    Workload web = cluster.workload("shop/web");
    Workload postgres = cluster.workload("shop/postgres");
    assertThat(simulator.callGraph().calls(web, "shop/postgres")).isFalse();
    assertThat(evaluate(simulator.policies().policies(), web, postgres, cluster.pods(postgres).get(0).address(),
        postgres.port("postgres"))).isFalse();
    assertThat(simulator.policies().allows(web, postgres, "shop/postgres")).isFalse();
  }

  private ClusterState value(String key) {
    return simulator.clusterState().stream().filter(r -> r.key().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no record " + key)).value();
  }

  /** A small NetworkPolicy evaluator, written independently of PolicyModel, for the cases the model uses. */
  private boolean evaluate(List<NetworkPolicyState> policies, Workload client, Workload server, int serverAddress,
      ContainerPort port) {
    List<NetworkPolicyState> egress = policies.stream().filter(p -> p.getNamespace().equals(client.namespace())
        && selects(p.getPodSelector(), client.labels()) && p.getPolicyTypes().contains("Egress")).toList();
    boolean egressOk = egress.isEmpty() || egress.stream().anyMatch(p -> p.getEgress() != null && p.getEgress().stream()
        .anyMatch(r -> peersMatch(r.getTo(), server, serverAddress, p.getNamespace()) && portsMatch(r.getPorts(), server, port)));
    if (server == null) {
      return egressOk;
    }
    List<NetworkPolicyState> ingress = policies.stream().filter(p -> p.getNamespace().equals(server.namespace())
        && selects(p.getPodSelector(), server.labels()) && p.getPolicyTypes().contains("Ingress")).toList();
    boolean ingressOk = ingress.isEmpty() || ingress.stream().anyMatch(p -> p.getIngress() != null && p.getIngress().stream()
        .anyMatch(r -> peersMatch(r.getFrom(), client, 0, p.getNamespace()) && portsMatch(r.getPorts(), server, port)));
    return egressOk && ingressOk;
  }

  private boolean peersMatch(List<PolicyPeer> peers, Workload workload, int address, String policyNamespace) {
    if (peers == null) {
      return true;
    }
    for (PolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        String[] cidr = peer.getIpBlock().getCidr().split("/");
        int bits = Integer.parseInt(cidr[1]);
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        if (workload == null && (address & mask) == (Ipv4.parse(cidr[0]) & mask)) {
          return true;
        }
        continue;
      }
      if (workload == null) {
        continue;
      }
      boolean nsOk = peer.getNamespaceSelector() == null
          ? workload.namespace().equals(policyNamespace)
          : selects(peer.getNamespaceSelector(), cluster.namespace(workload.namespace()).labels());
      boolean podOk = peer.getPodSelector() == null || selects(peer.getPodSelector(), workload.labels());
      if (nsOk && podOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean portsMatch(List<PolicyPort> ports, Workload server, ContainerPort port) {
    if (ports == null) {
      return true;
    }
    return ports.stream().anyMatch(p -> {
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!protocol.equals(port.protocol().name())) {
        return false;
      }
      Object value = p.getPort();
      if (value == null) {
        return true;
      }
      if (value instanceof Integer number) {
        return number == port.port();
      }
      return server != null && server.ports().stream().anyMatch(c -> c.name().equals(value.toString()) && c.port() == port.port());
    });
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    return selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
