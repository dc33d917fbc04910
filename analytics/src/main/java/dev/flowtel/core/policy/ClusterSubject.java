package dev.flowtel.core.policy;

import java.util.Map;
import java.util.Objects;

/**
 * The pods a cluster-scoped policy applies to: every pod of the namespaces {@code namespaceSelector}
 * selects, narrowed by {@code podSelector} when the subject is written as {@code pods}. Host-network
 * pods are never subjects, as the API says.
 *
 * @param podSelector null when the subject is {@code namespaces}
 */
public record ClusterSubject(LabelSelector namespaceSelector, LabelSelector podSelector) {

  public ClusterSubject {
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
  }

  public static ClusterSubject namespaces(LabelSelector namespaceSelector) {
    return new ClusterSubject(namespaceSelector, null);
  }

  public static ClusterSubject pods(LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new ClusterSubject(namespaceSelector, Objects.requireNonNull(podSelector, "podSelector"));
  }

  public boolean selects(PodInfo pod, Map<String, String> namespaceLabels) {
    return !pod.hostNetwork() && namespaceSelector.matches(namespaceLabels)
        && (podSelector == null || podSelector.matches(pod.labels()));
  }

  @Override
  public String toString() {
    return podSelector == null ? "namespaces " + namespaceSelector
        : "pods " + podSelector + " in namespaces " + namespaceSelector;
  }
}
