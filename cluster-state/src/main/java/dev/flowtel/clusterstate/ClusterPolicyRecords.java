package dev.flowtel.clusterstate;

import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestException;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.schema.ClusterState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies as ClusterState
 * records. The object goes through the same manifest reader that {@code flowtel policy explain}
 * uses on files, so the stream jobs see exactly the policy the command line would, with the same
 * checks (priority range, actions of the kind, one field per peer and port); there is one reader
 * of these CRDs to keep up with the API's versions, not two.
 */
final class ClusterPolicyRecords {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterPolicyRecords.class);

  private ClusterPolicyRecords() {}

  /**
   * The record of one cluster-scoped policy.
   *
   * @throws IllegalArgumentException with the reader's message (naming the field) when the reader
   *     refuses it, or when the object is not one policy of {@code resource}'s kind
   */
  static ClusterState clusterPolicy(ClusterPolicyResource resource, GenericKubernetesResource object, Instant observedAt) {
    String key = resource.key(object.getMetadata().getName());
    ManifestContents read;
    try {
      read = ManifestReader.readText(key, Serialization.asJson(object), true, ObjectKind.CLUSTER_POLICIES);
    } catch (ManifestException e) {
      // The reader names file and line; here the "file" is one line of JSON the client made, so
      // only the field and the problem tell the reader of the log anything.
      String where = e.file() + (e.line() > 0 ? " line " + e.line() : "") + ": ";
      String message = e.getMessage();
      throw new IllegalArgumentException(message.startsWith(where) ? message.substring(where.length()) : message, e);
    }
    if (read.clusterPolicies().size() != 1
        || !read.clusterPolicies().get(0).kind().name().equals(resource.kind().name())) {
      throw new IllegalArgumentException(key + ": not one " + resource.kind() + " (" + String.join("; ", read.warnings()) + ")");
    }
    // What the reader accepts with a warning (a domainNames peer, which no address can match) is
    // published; the warning says what the stream jobs will not judge.
    for (String warning : read.warnings()) {
      LOG.warn("cluster-state: {}", warning);
    }
    ClusterPolicy policy = read.clusterPolicies().get(0);
    return ClusterState.newBuilder()
        .setKind(resource.recordKind())
        .setObservedAt(observedAt)
        .setResourceVersion(object.getMetadata().getResourceVersion())
        .setClusterPolicy(ClusterStatePolicies.clusterPolicyState(policy))
        .build();
  }
}
