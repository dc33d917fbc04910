package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.whatif.EdgeChange;
import dev.flowtel.core.policy.whatif.PolicyReplay;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A recommendation compared with the policies in force ({@code policy recommend --diff}): the rules
 * it would add, and the rules in force that no observed traffic used.
 *
 * @param newPolicies namespace/name of recommended policies that are not in force at all
 * @param added recommended rules that the policy of the same namespace/name in force lacks (every
 *     rule of a new policy)
 * @param unused rules in force that allowed none of the observed established edges, as the engine
 *     names them ({@link RuleRef}); candidates for removal, or traffic the period did not contain
 */
public record PolicyDiff(List<String> newPolicies, List<AddedRule> added, List<UnusedRule> unused) {

  public PolicyDiff {
    newPolicies = List.copyOf(newPolicies);
    added = List.copyOf(added);
    unused = List.copyOf(unused);
  }

  /** A recommended rule with its evidence. */
  public record AddedRule(String policy, PolicyType direction, int index, PolicyRule rule, RuleEvidence evidence) {}

  /** A rule in force that nothing observed used. */
  public record UnusedRule(RuleRef ref, PolicyRule rule) {}

  /**
   * Compares. Which rules were used is the engine's answer: every observed established edge is
   * judged against {@code inForce} with the workloads' representative pods, and every rule in an
   * allowing verdict counts as used.
   */
  public static PolicyDiff between(Recommendation recommendation, PolicySet inForce, ClusterInventory inventory,
      List<ObservedEdge> observed) {
    Map<String, NetworkPolicy> existing = inForce.policies().stream()
        .collect(Collectors.toMap(NetworkPolicy::id, Function.identity()));
    List<String> newPolicies = new ArrayList<>();
    List<AddedRule> added = new ArrayList<>();
    for (NetworkPolicy policy : recommendation.policies()) {
      NetworkPolicy current = existing.get(policy.id());
      if (current == null) {
        newPolicies.add(policy.id());
      }
      for (PolicyType type : PolicyType.values()) {
        List<PolicyRule> rules = policy.rules(type);
        for (int i = 0; i < rules.size(); i++) {
          if (current == null || !current.rules(type).contains(rules.get(i))) {
            added.add(new AddedRule(policy.id(), type, i, rules.get(i), recommendation.evidence(policy.id(), type, i)));
          }
        }
      }
    }
    List<ObservedEdge> established = observed.stream().filter(ObservedEdge::established).toList();
    Set<RuleRef> used = new HashSet<>();
    for (EdgeChange change : PolicyReplay.replay(established, inventory, inForce, inForce).changes()) {
      used.addAll(change.decidingRules());
    }
    List<UnusedRule> unused = new ArrayList<>();
    for (NetworkPolicy policy : inForce.policies()) {
      for (PolicyType type : PolicyType.values()) {
        if (!policy.isolates(type)) {
          continue;
        }
        List<PolicyRule> rules = policy.rules(type);
        for (int i = 0; i < rules.size(); i++) {
          RuleRef ref = new RuleRef(policy.id(), type, i);
          if (!used.contains(ref)) {
            unused.add(new UnusedRule(ref, rules.get(i)));
          }
        }
      }
    }
    return new PolicyDiff(newPolicies, added, unused);
  }
}
