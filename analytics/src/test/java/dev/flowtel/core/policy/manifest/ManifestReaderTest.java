package dev.flowtel.core.policy.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {

  private static final Set<ObjectKind> ALL = EnumSet.allOf(ObjectKind.class);

  private static ManifestContents yaml(String text) {
    return ManifestReader.readText("policies.yaml", text, false, ALL);
  }

  @Test
  void readsANetworkPolicyAsKubectlPrintsIt() {
    ManifestContents contents = yaml("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: checkout-ingress
          namespace: shop
          resourceVersion: "812"
        spec:
          podSelector:
            matchLabels:
              app: checkout
          policyTypes:
          - Ingress
          - Egress
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - key: env
                  operator: In
                  values: [prod, staging]
              podSelector:
                matchLabels:
                  app: frontend
            - ipBlock:
                cidr: 10.0.0.0/8
                except:
                - 10.1.0.0/16
            ports:
            - port: 8080
              protocol: TCP
            - port: metrics
            - protocol: UDP
              port: 30000
              endPort: 30100
          egress:
          - {}
        """);
    NetworkPolicy expected = new NetworkPolicy("shop", "checkout-ingress", LabelSelector.matchLabels(Map.of("app", "checkout")),
        Set.of(PolicyType.Ingress, PolicyType.Egress),
        List.of(new PolicyRule(
            List.of(new PolicyPeer.Pods(LabelSelector.of(Map.of(), LabelSelector.Requirement.in("env", "prod", "staging")),
                    LabelSelector.matchLabels(Map.of("app", "frontend"))),
                new PolicyPeer.IpBlock(Cidr.parse("10.0.0.0/8"), List.of(Cidr.parse("10.1.0.0/16")))),
            List.of(PolicyPort.number(Protocol.TCP, 8080), PolicyPort.named(Protocol.TCP, "metrics"),
                PolicyPort.range(Protocol.UDP, 30000, 30100)))),
        List.of(PolicyRule.ALLOW_ALL));
    assertThat(contents.policies()).containsExactly(expected);
    assertThat(contents.warnings()).isEmpty();
  }

  @Test
  void readsListsMultipleDocumentsAndSkipsOtherKindsWithAWarning() {
    ManifestContents contents = ManifestReader.readText("cluster.yaml", """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata:
            name: shop
            labels:
              team: payments
        - apiVersion: v1
          kind: Pod
          metadata:
            name: checkout-0
            namespace: shop
            labels: {app: checkout}
          spec:
            containers:
            - name: app
              ports:
              - name: http
                containerPort: 8080
              - name: dns
                containerPort: 53
                protocol: UDP
              - containerPort: 9999
          status:
            podIP: 10.1.0.20
            podIPs:
            - ip: 10.1.0.20
            - ip: fd00::20
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: checkout
        ---
        """, false, EnumSet.of(ObjectKind.Namespace, ObjectKind.Pod));
    assertThat(contents.namespaces()).hasSize(1);
    assertThat(contents.namespaces().get(0).labels()).containsEntry("team", "payments");
    assertThat(contents.pods()).containsExactly(new PodInfo("shop", "checkout-0", Map.of("app", "checkout"),
        IpAddress.parse("10.1.0.20"), Map.of("http", new ContainerPort("http", 8080, Protocol.TCP),
            "dns", new ContainerPort("dns", 53, Protocol.UDP)), false));
    assertThat(contents.otherPodAddresses())
        .containsExactly(new ManifestContents.DualStackAddresses("shop", "checkout-0", IpAddress.parse("fd00::20")));
    assertThat(contents.warnings()).containsExactly("cluster.yaml line 33: skipped Service checkout: this input reads Namespace, Pod");
  }

  @Test
  void readsJsonAsKubectlGetOJsonPrintsIt() {
    ManifestContents contents = ManifestReader.readText("np.json", """
        {
          "apiVersion": "v1",
          "kind": "List",
          "items": [
            {
              "apiVersion": "networking.k8s.io/v1",
              "kind": "NetworkPolicy",
              "metadata": {"name": "deny", "namespace": "x"},
              "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}
            }
          ]
        }
        """, true, ALL);
    assertThat(contents.policies()).containsExactly(new NetworkPolicy("x", "deny", LabelSelector.EVERYTHING,
        Set.of(PolicyType.Ingress), List.of(), List.of()));
  }

  @Test
  void errorsNameFileLineAndField() {
    assertThatThrownBy(() -> yaml("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: deny
        spec:
          podSelector: {}
          ingress:
          - from:
            - podSelector: {}
            - ipBlock:
                cidr: 10.0.0.0/33
        """)).hasMessage("policies.yaml line 11: spec.ingress[0].from[1].ipBlock.cidr \"10.0.0.0/33\" is not a CIDR:"
        + " an IPv4 prefix length is at most 32");
  }

  @Test
  void moreErrors() {
    String head = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n";
    assertThatThrownBy(() -> yaml(head + "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n"))
        .hasMessage("policies.yaml line 8: spec.ingress[0].ports[0].port 70000 is not a port in 1..65535");
    assertThatThrownBy(() -> yaml(head + "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n      protocol: tcp\n"))
        .hasMessage("policies.yaml line 9: spec.ingress[0].ports[0].protocol \"tcp\" is not TCP, UDP or SCTP");
    assertThatThrownBy(() -> yaml(head + "  podSelector:\n    matchExpressions:\n    - key: app\n      operator: Equals\n"))
        .hasMessage("policies.yaml line 8: spec.podSelector.matchExpressions[0].operator operator \"Equals\" is not In, NotIn,"
            + " Exists or DoesNotExist");
    assertThatThrownBy(() -> yaml(head + "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n"
        + "      podSelector: {}\n"))
        .hasMessage("policies.yaml line 8: spec.egress[0].to[0] has an ipBlock and a selector; write them as two peers"
            + " (each is allowed on its own)");
    assertThatThrownBy(() -> yaml(head + "  podSelector: {}\n  policyTypes: [Ingres]\n"))
        .hasMessage("policies.yaml line 6: spec.policyTypes[0] policy type \"Ingres\" is not Ingress or Egress");
    assertThatThrownBy(() -> yaml(head + "  podSelector:\n    matchLabels:\n      enabled: true\n"))
        .hasMessage("policies.yaml line 7: spec.podSelector.matchLabels.enabled must be a string, not true; quote it");
    assertThatThrownBy(() -> yaml("kind: NetworkPolicy\nmetadata: {name: p\n"))
        .hasMessage("policies.yaml line 2: not valid YAML: while parsing a flow mapping; metadata: {name: p; expected ',' or '}', but got <stream end>");
    assertThatThrownBy(() -> yaml(head + "  podSelector: {}\n  ingress:\n  - ports:\n    - port: \"80\"\n"))
        .hasMessageEndingWith("; write it without quotes");
  }

  @Test
  void readsDirectoriesRecursively(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("team/a"));
    Files.writeString(dir.resolve("team/a/deny.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: a}
        spec: {podSelector: {}}
        """);
    Files.writeString(dir.resolve("allow.yml"), """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow, namespace: b}
        spec: {podSelector: {}, ingress: [{}]}
        """);
    Files.writeString(dir.resolve("notes.txt"), "not read");
    ManifestContents contents = ManifestReader.read(List.of(dir), EnumSet.of(ObjectKind.NetworkPolicy), "--policies");
    assertThat(contents.policies()).extracting(NetworkPolicy::id).containsExactly("b/allow", "a/deny");
    assertThatThrownBy(() -> ManifestReader.read(List.of(dir.resolve("missing")), ALL, "--policies"))
        .hasMessage(dir.resolve("missing") + ": no such file or directory");
  }
}
