package dev.flowtel.core.policy.manifest;

import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PodInfo;
import java.util.List;

/**
 * What manifests held: the namespaces, pods and policies, in the order read, and one warning for
 * every object that was skipped (another kind, or a kind not asked for).
 */
public record ManifestContents(List<NamespaceInfo> namespaces, List<PodInfo> pods, List<NetworkPolicy> policies,
    List<DualStackAddresses> otherPodAddresses, List<String> warnings) {

  public ManifestContents {
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    policies = List.copyOf(policies);
    otherPodAddresses = List.copyOf(otherPodAddresses);
    warnings = List.copyOf(warnings);
  }

  /** The second address of a dual-stack pod ({@code status.podIPs[1]}), which is the same pod. */
  public record DualStackAddresses(String namespace, String pod, dev.flowtel.core.policy.IpAddress ip) {}
}
