package dev.flowtel.core.policy.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.ClusterPeer;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPolicyRule;
import dev.flowtel.core.policy.ClusterPolicyTier;
import dev.flowtel.core.policy.ClusterPort;
import dev.flowtel.core.policy.ClusterRuleAction;
import dev.flowtel.core.policy.ClusterSubject;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy and Node manifests read into the
 * one cluster-scoped model, and refused with file, line and field where the API server would refuse them.
 */
class ClusterPolicyManifestsTest {

  private static final Set<ObjectKind> ALL = EnumSet.allOf(ObjectKind.class);

  private static ManifestContents yaml(String text) {
    return ManifestReader.readText("cluster-policies.yaml", text, false, ALL);
  }

  private static String error(String text) {
    try {
      yaml(text);
    } catch (ManifestException e) {
      return e.getMessage();
    }
    throw new AssertionError("read without error:\n" + text);
  }

  @Test
  void readsAnAdminNetworkPolicyWithEveryPeerAndPortForm() {
    ManifestContents contents = yaml("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: cluster-guard}
        spec:
          priority: 20
          subject:
            pods:
              namespaceSelector: {matchLabels: {env: prod}}
              podSelector: {matchLabels: {app: api}}
          ingress:
          - name: monitoring
            action: Allow
            from:
            - namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            ports:
            - portNumber: {protocol: TCP, port: 9090}
            - namedPort: metrics
          egress:
          - action: Pass
            to:
            - pods:
                podSelector: {matchLabels: {app: db}}
            - nodes: {matchLabels: {node-role.kubernetes.io/control-plane: ""}}
            - networks: [10.0.0.0/8, fd00::/8]
            ports:
            - portRange: {protocol: UDP, start: 30000, end: 32767}
        """);
    assertThat(contents.warnings()).isEmpty();
    assertThat(contents.clusterPolicies()).containsExactly(new ClusterPolicy(ClusterPolicyKind.AdminNetworkPolicy,
        "cluster-guard", ClusterPolicyTier.Admin, 20,
        ClusterSubject.pods(LabelSelector.matchLabels(Map.of("env", "prod")), LabelSelector.matchLabels(Map.of("app", "api"))),
        List.of(new ClusterPolicyRule("monitoring", ClusterRuleAction.Allow,
            List.of(new ClusterPeer.Namespaces(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "monitoring")))),
            List.of(new ClusterPort.Number(Protocol.TCP, 9090), new ClusterPort.Named("metrics")))),
        List.of(new ClusterPolicyRule("", ClusterRuleAction.Pass,
            List.of(new ClusterPeer.Pods(LabelSelector.EVERYTHING, LabelSelector.matchLabels(Map.of("app", "db"))),
                new ClusterPeer.Nodes(LabelSelector.matchLabels(Map.of("node-role.kubernetes.io/control-plane", ""))),
                new ClusterPeer.Networks(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")))),
            List.of(new ClusterPort.Range(Protocol.UDP, 30000, 32767))))));
  }

  @Test
  void readsAClusterNetworkPolicyOfEitherTierAndANode() {
    ManifestContents contents = yaml("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: baseline-dns}
        spec:
          tier: Baseline
          priority: 5
          subject: {namespaces: {}}
          egress:
          - name: dns
            action: Accept
            to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
            protocols:
            - udp: {destinationPort: {number: 53}}
            - tcp: {destinationPort: {range: {start: 53, end: 54}}}
            - destinationNamedPort: dns
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: worker-1, labels: {kubernetes.io/os: linux}}
        status:
          addresses:
          - {type: InternalIP, address: 172.18.0.2}
          - {type: ExternalIP, address: "2001:db8::2"}
          - {type: Hostname, address: worker-1}
        """);
    assertThat(contents.clusterPolicies()).containsExactly(new ClusterPolicy(ClusterPolicyKind.ClusterNetworkPolicy,
        "baseline-dns", ClusterPolicyTier.Baseline, 5, ClusterSubject.namespaces(LabelSelector.EVERYTHING), List.of(),
        List.of(new ClusterPolicyRule("dns", ClusterRuleAction.Accept,
            List.of(new ClusterPeer.Namespaces(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "kube-system")))),
            List.of(new ClusterPort.Number(Protocol.UDP, 53), new ClusterPort.Range(Protocol.TCP, 53, 54),
                new ClusterPort.Named("dns"))))));
    assertThat(contents.nodes()).containsExactly(new NodeInfo("worker-1", Map.of("kubernetes.io/os", "linux"),
        List.of(IpAddress.parse("172.18.0.2"), IpAddress.parse("2001:db8::2"))));
  }

  @Test
  void domainNamesAreReadButMatchNothingWithAWarning() {
    ManifestContents contents = yaml("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: fqdn}
        spec:
          priority: 1
          subject: {namespaces: {}}
          egress:
          - action: Allow
            to:
            - domainNames: ["*.example.com"]
        """);
    assertThat(contents.clusterPolicies().get(0).egress().get(0).peers()).isEmpty();
    assertThat(contents.warnings()).containsExactly("cluster-policies.yaml line 10: spec.egress[0].to[0].domainNames are not"
        + " judged (a connection carries an address, not the name it was resolved from): this Allow peer matches nothing");
  }

  @Test
  void refusesWhatTheApiServerRefuses() {
    String anp = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: p}
        spec:
          priority: %s
          subject: %s
          ingress:
          - action: %s
            from: [%s]
            ports: [%s]
        """;
    assertThat(error(anp.formatted("1001", "{namespaces: {}}", "Allow", "{namespaces: {}}", "{portNumber: {port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 5: spec.priority 1001 is not in 0..1000");
    assertThat(error(anp.formatted("-1", "{namespaces: {}}", "Allow", "{namespaces: {}}", "{portNumber: {port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 5: spec.priority -1 is not in 0..1000");
    assertThat(error(anp.formatted("1", "{namespaces: {}}", "Accept", "{namespaces: {}}", "{portNumber: {port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 8: spec.ingress[0].action \"Accept\" is not an action of AdminNetworkPolicy:"
            + " Allow, Deny, Pass");
    assertThat(error(anp.formatted("1", "{namespaces: {}}", "Allow", "{namespaces: {}}",
        "{portRange: {protocol: TCP, start: 9000, end: 8000}}")))
        .isEqualTo("cluster-policies.yaml line 10: spec.ingress[0].ports[0].portRange.start 9000 must be less than end (8000);"
            + " for one port write a port number");
    assertThat(error(anp.formatted("1", "{namespaces: {}}", "Allow", "{nodes: {}}", "{portNumber: {port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 9: spec.ingress[0].from[0].nodes is for egress rules only; an ingress peer is"
            + " namespaces or pods");
    assertThat(error(anp.formatted("1", "{namespaces: {}, pods: {podSelector: {}}}", "Allow", "{namespaces: {}}",
        "{portNumber: {port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 6: spec.subject must have exactly one of namespaces and pods");
    assertThat(error(anp.formatted("1", "{namespaces: {}}", "Allow", "{namespaces: {}}",
        "{portNumber: {port: 80}, namedPort: http}")))
        .isEqualTo("cluster-policies.yaml line 10: spec.ingress[0].ports[0] must have exactly one of portNumber, namedPort"
            + " and portRange");
    assertThat(error(anp.formatted("1", "{namespaces: {}}", "Allow", "{namespaces: {}}",
        "{portNumber: {protocol: ICMP, port: 80}}")))
        .isEqualTo("cluster-policies.yaml line 10: spec.ingress[0].ports[0].portNumber.protocol \"ICMP\" is not TCP, UDP or SCTP");
  }

  @Test
  void theBaselineIsOneNamedDefaultWithoutPass() {
    assertThat(error("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: baseline}
        spec:
          subject: {namespaces: {}}
        """)).isEqualTo("cluster-policies.yaml line 3: metadata.name \"baseline\" must be \"default\": a cluster has one"
        + " BaselineAdminNetworkPolicy, named default (the API server refuses any other name)");
    assertThat(error("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {}}
          egress:
          - action: Pass
            to: [{namespaces: {}}]
        """)).isEqualTo("cluster-policies.yaml line 7: spec.egress[0].action \"Pass\" is not an action of"
        + " BaselineAdminNetworkPolicy: Allow, Deny");
  }

  @Test
  void aClusterNetworkPolicyNeedsItsTierAndItsOwnVersion() {
    assertThat(error("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: p}
        spec:
          tier: Platform
          priority: 1
          subject: {namespaces: {}}
        """)).isEqualTo("cluster-policies.yaml line 5: spec.tier \"Platform\" is not Admin or Baseline");
    assertThat(error("""
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: ClusterNetworkPolicy
        metadata: {name: p}
        spec: {tier: Admin, priority: 1, subject: {namespaces: {}}}
        """)).isEqualTo("cluster-policies.yaml line 1: apiVersion \"policy.networking.k8s.io/v1alpha1\" is not"
        + " policy.networking.k8s.io/v1alpha2 (or v1beta1), the version of ClusterNetworkPolicy");
    assertThat(error("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: p}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          ingress:
          - action: Accept
            from: [{namespaces: {}}]
            protocols:
            - tcp: {destinationPort: {number: 80, range: {start: 1, end: 2}}}
        """)).isEqualTo("cluster-policies.yaml line 12: spec.ingress[0].protocols[0].tcp.destinationPort must have exactly"
        + " one of number and range");
  }
}
