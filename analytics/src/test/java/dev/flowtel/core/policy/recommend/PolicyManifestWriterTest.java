package dev.flowtel.core.policy.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the writer writes, kubectl applies and the manifest reader reads back to the very same policy. */
class PolicyManifestWriterTest {

  @Test
  void aRecommendedPolicyIsWrittenAsKubectlUsersWriteIt() {
    Recommendation r = PolicyRecommenderTest.recommendation(RecommendOptions.defaults());
    String yaml = PolicyManifestWriter.write(r.policy("payments/flowtel-billing-ingress"), Map.of());
    assertThat(yaml).isEqualTo("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: flowtel-billing-ingress
          namespace: payments
        spec:
          podSelector:
            matchLabels:
              app: billing
          policyTypes:
            - Ingress
          ingress:
            - from:
                - namespaceSelector:
                    matchLabels:
                      kubernetes.io/metadata.name: shop
                  podSelector:
                    matchLabels:
                      app: api
              ports:
                - protocol: TCP
                  port: 8443
        """);
  }

  @Test
  void everyRecommendedPolicyReadsBackEqualWithItsEvidence() throws java.io.IOException {
    Recommendation r = PolicyRecommenderTest.recommendation(RecommendOptions.defaults().withDefaultDeny(true));
    String yaml = PolicyManifestWriter.writeAll(r.policies(), r);
    ManifestContents read = ManifestReader.readText("recommended.yaml", yaml, false, Set.of(ObjectKind.NetworkPolicy));
    assertThat(read.policies()).containsExactlyElementsOf(r.policies());
    // The annotations too: read as YAML, each document's annotations are the recommendation's.
    try (var parser = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readerFor(java.util.Map.class).readValues(yaml)) {
      for (NetworkPolicy policy : r.policies()) {
        Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) parser.next()).get("metadata");
        Object annotations = metadata.get("annotations");
        assertThat(annotations == null ? Map.of() : annotations).as(policy.id()).isEqualTo(r.annotations(policy.id()));
      }
    }
  }

  @Test
  void everyShapeOfPolicyReadsBackEqual() {
    LabelSelector tricky = LabelSelector.of(Map.of("version", "8080", "enabled", "true", "empty", ""),
        LabelSelector.Requirement.in("tier", "db", "cache"), LabelSelector.Requirement.notIn("env", "dev"),
        LabelSelector.Requirement.exists("team"), LabelSelector.Requirement.doesNotExist("legacy"));
    NetworkPolicy policy = new NetworkPolicy("ns-1", "shapes", tricky, Set.of(PolicyType.Ingress, PolicyType.Egress),
        List.of(PolicyRule.ALLOW_ALL,
            new PolicyRule(List.of(PolicyPeer.Pods.inNamespaces(LabelSelector.EVERYTHING), PolicyPeer.IpBlock.of("10.0.0.0/8",
                "10.1.0.0/16", "10.2.0.0/16")), List.of(PolicyPort.range(Protocol.TCP, 30000, 32767), PolicyPort.anyPort(Protocol.SCTP))),
            new PolicyRule(List.of(PolicyPeer.IpBlock.of("fd00::/64")), List.of(PolicyPort.named(Protocol.UDP, "dns")))),
        List.of(PolicyRule.ports(PolicyPort.number(Protocol.UDP, 53))));
    String yaml = PolicyManifestWriter.write(policy, Map.of("note", "yes"));
    assertThat(ManifestReader.readText("shapes.yaml", yaml, false, Set.of(ObjectKind.NetworkPolicy)).policies())
        .containsExactly(policy);
    NetworkPolicy denyAll = new NetworkPolicy("ns-1", "deny", LabelSelector.EVERYTHING, Set.of(PolicyType.Egress), List.of(), List.of());
    assertThat(ManifestReader.readText("deny.yaml", PolicyManifestWriter.write(denyAll, Map.of()), false,
        Set.of(ObjectKind.NetworkPolicy)).policies()).containsExactly(denyAll);
  }
}
