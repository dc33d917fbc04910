package dev.flowtel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.wire.AvroClassTrust;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a streaming detector sees policies: ClusterState records in, FlowEvent endpoints judged. */
class ClusterStatePoliciesTest {

  static {
    // Avro 1.12 refuses to instantiate generated classes for builder defaults until trusted.
    AvroClassTrust.install();
  }

  private static ClusterState namespace(String name, Map<String, String> labels) {
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NAMESPACE).setObservedAt(Instant.EPOCH)
        .setNamespace(NamespaceState.newBuilder().setName(name).setLabels(labels).build()).build();
  }

  private static ClusterState checkoutPolicy() {
    dev.flowtel.schema.LabelSelector frontend = dev.flowtel.schema.LabelSelector.newBuilder()
        .setMatchLabels(Map.of("app", "frontend")).build();
    dev.flowtel.schema.LabelSelector prodNamespaces = dev.flowtel.schema.LabelSelector.newBuilder()
        .setMatchExpressions(List.of(LabelSelectorRequirement.newBuilder().setKey("env").setOperator("In")
            .setValues(List.of("prod", "staging")).build())).build();
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NETWORK_POLICY).setObservedAt(Instant.EPOCH)
        .setNetworkPolicy(NetworkPolicyState.newBuilder().setNamespace("shop").setName("checkout-ingress")
            .setPodSelector(dev.flowtel.schema.LabelSelector.newBuilder().setMatchLabels(Map.of("app", "checkout")).build())
            .setPolicyTypes(List.of("Ingress", "Egress"))
            .setIngress(List.of(IngressRule.newBuilder()
                .setFrom(List.of(
                    dev.flowtel.schema.PolicyPeer.newBuilder().setPodSelector(frontend).setNamespaceSelector(prodNamespaces).build(),
                    dev.flowtel.schema.PolicyPeer.newBuilder().setIpBlock(IpBlock.newBuilder().setCidr("10.0.0.0/8")
                        .setExcept(List.of("10.1.0.0/16")).build()).build()))
                .setPorts(List.of(
                    dev.flowtel.schema.PolicyPort.newBuilder().setProtocol("TCP").setPort(8080).build(),
                    dev.flowtel.schema.PolicyPort.newBuilder().setPort("metrics").build(),
                    dev.flowtel.schema.PolicyPort.newBuilder().setProtocol("UDP").setPort(30000).setEndPort(30100).build()))
                .build()))
            .setEgress(List.of(EgressRule.newBuilder().build()))
            .build())
        .build();
  }

  @Test
  void convertsANetworkPolicyStateField_by_field() {
    NetworkPolicy policy = ClusterStatePolicies.networkPolicy(checkoutPolicy().getNetworkPolicy());
    assertThat(policy).isEqualTo(new NetworkPolicy("shop", "checkout-ingress", LabelSelector.matchLabels(Map.of("app", "checkout")),
        Set.of(PolicyType.Ingress, PolicyType.Egress),
        List.of(new PolicyRule(
            List.of(new PolicyPeer.Pods(LabelSelector.of(Map.of(), LabelSelector.Requirement.in("env", "prod", "staging")),
                    LabelSelector.matchLabels(Map.of("app", "frontend"))),
                PolicyPeer.IpBlock.of("10.0.0.0/8", "10.1.0.0/16")),
            List.of(PolicyPort.number(Protocol.TCP, 8080), PolicyPort.named(Protocol.TCP, "metrics"),
                PolicyPort.range(Protocol.UDP, 30000, 30100)))),
        List.of(PolicyRule.ALLOW_ALL)));
  }

  @Test
  void nullPolicyTypesAreDefaultedFromTheRules() {
    NetworkPolicyState state = NetworkPolicyState.newBuilder().setNamespace("shop").setName("p")
        .setPodSelector(dev.flowtel.schema.LabelSelector.newBuilder().build())
        .setEgress(List.of(EgressRule.newBuilder().build())).build();
    assertThat(ClusterStatePolicies.networkPolicy(state).policyTypes()).containsExactlyInAnyOrder(PolicyType.Ingress, PolicyType.Egress);
  }

  @Test
  void aBrokenRecordNamesThePolicyAndField() {
    NetworkPolicyState state = NetworkPolicyState.newBuilder(checkoutPolicy().getNetworkPolicy())
        .setEgress(List.of(EgressRule.newBuilder().setTo(List.of(dev.flowtel.schema.PolicyPeer.newBuilder()
            .setIpBlock(IpBlock.newBuilder().setCidr("10.0.0.0/33").build()).build())).build()))
        .build();
    assertThatThrownBy(() -> ClusterStatePolicies.networkPolicy(state))
        .hasMessage("NetworkPolicy shop/checkout-ingress spec.egress[0]: \"10.0.0.0/33\" is not a CIDR: an IPv4 prefix"
            + " length is at most 32");
  }

  @Test
  void aDetectorAppliesRecordsAndJudgesFlows() {
    PolicySet set = PolicySet.empty();
    set = ClusterStatePolicies.apply(set, "NAMESPACE//web", namespace("web", Map.of("env", "prod")));
    set = ClusterStatePolicies.apply(set, "NETWORK_POLICY/shop/checkout-ingress", checkoutPolicy());
    PolicyEngine engine = PolicyEngine.of(set);

    FlowEvent fromProdFrontend = flow(pod("web", "frontend-1", Map.of("app", "frontend")), new byte[] {10, 2, 0, 1},
        pod("shop", "checkout-0", Map.of("app", "checkout")), new byte[] {10, 1, 0, 20}, 8080);
    PolicyVerdict verdict = engine.evaluate(FlowPeers.source(fromProdFrontend), FlowPeers.destination(fromProdFrontend),
        Protocol.ofIanaNumber(fromProdFrontend.getProtocol()).orElseThrow(), fromProdFrontend.getDstPort());
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.ingress().allowingRules()).containsExactly(new RuleRef("shop/checkout-ingress", PolicyType.Ingress, 0));

    FlowEvent fromInternet = flow(null, new byte[] {(byte) 203, 0, 113, 7},
        pod("shop", "checkout-0", Map.of("app", "checkout")), new byte[] {10, 1, 0, 20}, 8080);
    assertThat(engine.evaluate(FlowPeers.source(fromInternet), FlowPeers.destination(fromInternet), Protocol.TCP, 8080).allowed())
        .isFalse();

    PolicySet afterDelete = ClusterStatePolicies.apply(set, "NETWORK_POLICY/shop/checkout-ingress", null);
    assertThat(afterDelete.policies()).isEmpty();
    assertThat(ClusterStatePolicies.apply(set, "NAMESPACE//web", null).namespaceLabels("web")).doesNotContainKey("env");
  }

  private static Endpoint pod(String namespace, String name, Map<String, String> labels) {
    return Endpoint.newBuilder().setKind(EndpointKind.POD).setNamespace(namespace).setPod(name).setLabels(labels).build();
  }

  private static FlowEvent flow(Endpoint source, byte[] src, Endpoint destination, byte[] dst, int port) {
    return FlowEvent.newBuilder().setFlowStart(Instant.EPOCH).setFlowEnd(Instant.EPOCH).setNode("node-a").setIpVersion(4)
        .setSrcAddr(ByteBuffer.wrap(src)).setDstAddr(ByteBuffer.wrap(dst)).setSrcPort(40000).setDstPort(port)
        .setProtocol(6).setBytes(100).setPackets(1).setSource(source).setDestination(destination).build();
  }

  @Test
  void aPolicyWrittenAsAClusterStateRecordReadsBackTheSame() {
    String yaml = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: db}
            matchExpressions: [{key: tier, operator: In, values: [b, a]}]
          ingress:
          - from:
            - podSelector: {matchLabels: {app: web}}
            - namespaceSelector: {matchLabels: {team: ops}}
              podSelector: {}
            ports: [{port: 5432}, {protocol: UDP, port: 9000, endPort: 9010}, {port: metrics}]
          - {}
          egress:
          - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
          - ports: [{protocol: UDP}]
        """;
    java.util.List<dev.flowtel.core.policy.NetworkPolicy> read = dev.flowtel.core.policy.manifest.ManifestReader
        .readText("db.yaml", yaml, false, java.util.EnumSet.allOf(dev.flowtel.core.policy.manifest.ObjectKind.class)).policies();
    assertThat(read).hasSize(1);
    dev.flowtel.core.policy.NetworkPolicy policy = read.get(0);

    assertThat(ClusterStatePolicies.networkPolicy(ClusterStatePolicies.networkPolicyState(policy))).isEqualTo(policy);
  }

  @Test
  void clusterScopedPoliciesAndNodesWrittenAsClusterStateRecordsReadBackTheSame() {
    String yaml = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: guard-db}
        spec:
          priority: 10
          subject:
            pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
              podSelector: {matchLabels: {app: db}}
          ingress:
          - name: deny-batch
            action: Deny
            from:
            - namespaces: {matchLabels: {kubernetes.io/metadata.name: jobs}}
            ports:
            - portNumber: {protocol: TCP, port: 5432}
            - portRange: {protocol: UDP, start: 9000, end: 9010}
            - namedPort: metrics
          egress:
          - name: pass-out
            action: Pass
            to:
            - networks: [10.0.0.0/8, 192.168.0.0/16]
            - nodes: {matchLabels: {role: infra}}
            - pods:
                namespaceSelector: {}
                podSelector: {matchLabels: {app: cache}}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject:
            namespaces: {}
          ingress:
          - name: deny-all
            action: Deny
            from:
            - namespaces: {}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-a, labels: {role: infra}}
        status:
          addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: node-a}]
        """;
    dev.flowtel.core.policy.manifest.ManifestContents read = dev.flowtel.core.policy.manifest.ManifestReader
        .readText("cluster.yaml", yaml, false, java.util.EnumSet.allOf(dev.flowtel.core.policy.manifest.ObjectKind.class));
    assertThat(read.clusterPolicies()).hasSize(2);
    assertThat(read.nodes()).hasSize(1);

    for (ClusterPolicy policy : read.clusterPolicies()) {
      assertThat(ClusterStatePolicies.clusterPolicy(ClusterStatePolicies.clusterPolicyState(policy))).isEqualTo(policy);
    }
    NodeInfo node = read.nodes().get(0);
    assertThat(ClusterStatePolicies.node(ClusterStatePolicies.nodeState(node))).isEqualTo(node);
  }

  @Test
  void aClusterScopedPolicyRecordAndItsTombstoneChangeThePolicySet() {
    ClusterPolicy deny = new ClusterPolicy(ClusterPolicyKind.AdminNetworkPolicy, "deny-all", ClusterPolicyTier.Admin, 5,
        ClusterSubject.namespaces(LabelSelector.EVERYTHING), List.of(), List.of());
    ClusterState record = ClusterState.newBuilder().setKind(dev.flowtel.schema.ClusterObjectKind.ADMIN_NETWORK_POLICY)
        .setObservedAt(java.time.Instant.EPOCH).setClusterPolicy(ClusterStatePolicies.clusterPolicyState(deny)).build();
    ClusterState nodeRecord = ClusterState.newBuilder().setKind(dev.flowtel.schema.ClusterObjectKind.NODE)
        .setObservedAt(java.time.Instant.EPOCH).setNode(ClusterStatePolicies.nodeState(NodeInfo.of("node-a", Map.of(), "10.0.0.5")))
        .build();

    PolicySet set = ClusterStatePolicies.apply(ClusterStatePolicies.apply(PolicySet.empty(), "AdminNetworkPolicy/deny-all", record),
        "Node/node-a", nodeRecord);
    assertThat(set.clusterPolicies()).containsExactly(deny);
    assertThat(set.nodes()).extracting(NodeInfo::name).containsExactly("node-a");

    PolicySet deleted = ClusterStatePolicies.apply(ClusterStatePolicies.apply(set, "AdminNetworkPolicy/deny-all", null), "Node/node-a", null);
    assertThat(deleted.clusterPolicies()).isEmpty();
    assertThat(deleted.nodes()).isEmpty();
  }
}
