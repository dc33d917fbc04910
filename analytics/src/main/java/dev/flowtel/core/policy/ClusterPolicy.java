package dev.flowtel.core.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An AdminNetworkPolicy, a BaselineAdminNetworkPolicy or a ClusterNetworkPolicy, in one model: a
 * tier, a priority inside it (lower first), the pods it applies to, and ordered rules per direction.
 * A BaselineAdminNetworkPolicy has no priority; it counts as 0 here.
 */
public record ClusterPolicy(ClusterPolicyKind kind, String name, ClusterPolicyTier tier, int priority,
    ClusterSubject subject, List<ClusterPolicyRule> ingress, List<ClusterPolicyRule> egress) {

  /**
   * The order of evaluation inside a tier: ascending priority. Upstream leaves the order of equal
   * priorities undefined; here it is by kind (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
   * ClusterNetworkPolicy) and then by name, so that a verdict is the same on every run.
   */
  public static final Comparator<ClusterPolicy> EVALUATION_ORDER = Comparator.comparingInt(ClusterPolicy::priority)
      .thenComparing(ClusterPolicy::kind).thenComparing(ClusterPolicy::name);

  public ClusterPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(subject, "subject");
    if (priority < 0 || priority > 1000) {
      throw new IllegalArgumentException("priority " + priority + " is not in 0..1000");
    }
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /** {@code kind/name}, e.g. {@code AdminNetworkPolicy/deny-to-db}: cluster-scoped, so unique per kind. */
  public String id() {
    return kind + "/" + name;
  }

  public List<ClusterPolicyRule> rules(PolicyType type) {
    return type == PolicyType.Ingress ? ingress : egress;
  }
}
