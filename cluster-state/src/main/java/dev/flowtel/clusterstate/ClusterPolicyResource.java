package dev.flowtel.clusterstate;

import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.schema.ClusterObjectKind;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The cluster-scoped policy kinds the publisher watches: CRDs of sig-network's network-policy-api
 * (policy.networking.k8s.io), which fabric8 has no model for, so they are informed on as
 * GenericKubernetesResource and read by the manifest reader (ClusterPolicyRecords). Each may be
 * missing from a cluster: the publisher then does without it.
 */
enum ClusterPolicyResource {

  ADMIN_NETWORK_POLICY(ObjectKind.AdminNetworkPolicy, "v1alpha1", "adminnetworkpolicies",
      ClusterObjectKind.ADMIN_NETWORK_POLICY),
  BASELINE_ADMIN_NETWORK_POLICY(ObjectKind.BaselineAdminNetworkPolicy, "v1alpha1", "baselineadminnetworkpolicies",
      ClusterObjectKind.BASELINE_ADMIN_NETWORK_POLICY),
  CLUSTER_NETWORK_POLICY(ObjectKind.ClusterNetworkPolicy, "v1alpha2", "clusternetworkpolicies",
      ClusterObjectKind.CLUSTER_NETWORK_POLICY);

  static final String GROUP = "policy.networking.k8s.io";

  private final ObjectKind kind;
  private final String version;
  private final String plural;
  private final ClusterObjectKind recordKind;

  ClusterPolicyResource(ObjectKind kind, String version, String plural, ClusterObjectKind recordKind) {
    this.kind = kind;
    this.version = version;
    this.plural = plural;
    this.recordKind = recordKind;
  }

  /** The Kubernetes kind, which is also the first part of the record key. */
  ObjectKind kind() {
    return kind;
  }

  ClusterObjectKind recordKind() {
    return recordKind;
  }

  /** {@code adminnetworkpolicies.policy.networking.k8s.io}, as RBAC and kubectl name it. */
  String resource() {
    return plural + "." + GROUP;
  }

  String apiVersion() {
    return GROUP + "/" + version;
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(version).withKind(kind.name())
        .withPlural(plural).withNamespaced(false).build();
  }

  /** The record key: {@code AdminNetworkPolicy/<name>} (cluster-scoped, so no namespace). */
  String key(String name) {
    return ClusterStateKeys.clusterPolicy(kind.name(), name);
  }
}
