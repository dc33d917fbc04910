package dev.flowtel.core.policy.recommend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@link PolicyRecommender} wrote: the policies, the evidence of every rule, the rules broader
 * than their traffic and the edges left without a rule. Everything a renderer needs: the manifests
 * with {@link #annotations}, {@link #files()} as the options group them, and {@link #report()}.
 *
 * @param policies ordered by namespace/name
 * @param evidence one per rule of every policy, ordered by policy, direction and rule
 * @param workloadsByPolicy namespace/kind/name of the workload each per-workload policy selects
 *     (absent for default-deny policies), for grouping into files
 */
public record Recommendation(RecommendOptions options, List<NetworkPolicy> policies, List<RuleEvidence> evidence,
    List<BroadRule> broadRules, List<SkippedEdge> skipped, Map<String, String> workloadsByPolicy) {

  /** The annotation that carries a policy's evidence, as JSON: one entry per rule index. */
  public static final String EVIDENCE_ANNOTATION = "flowtel.dev/evidence";

  private static final ObjectMapper JSON = new ObjectMapper();

  public Recommendation {
    Objects.requireNonNull(options, "options");
    policies = List.copyOf(policies);
    evidence = List.copyOf(evidence);
    broadRules = List.copyOf(broadRules);
    skipped = List.copyOf(skipped);
    workloadsByPolicy = Map.copyOf(workloadsByPolicy);
  }

  /** The recommended policies with these namespaces' labels, as the engine judges them. */
  public PolicySet policySet(Collection<NamespaceInfo> namespaces) {
    return PolicySet.of(namespaces, policies);
  }

  /** The policy of this namespace/name. */
  public NetworkPolicy policy(String id) {
    return policies.stream().filter(p -> p.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no recommended policy " + id + "; recommended: "
            + policies.stream().map(NetworkPolicy::id).toList()));
  }

  /** The evidence of one policy's rules, by direction and index. */
  public List<RuleEvidence> evidence(String policyId) {
    return evidence.stream().filter(e -> e.policy().equals(policyId)).toList();
  }

  /** The evidence of one rule. */
  public RuleEvidence evidence(String policyId, PolicyType direction, int rule) {
    return evidence.stream().filter(e -> e.policy().equals(policyId) && e.direction() == direction && e.rule() == rule)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no " + direction.fieldName() + "[" + rule + "] in "
            + policyId));
  }

  /**
   * The annotations to write on a policy's manifest: {@value #EVIDENCE_ANNOTATION} as a JSON array
   * with one object per rule (direction, rule index, flows, bytes, first and last seen, sample
   * peers, note). Empty for a policy without rules.
   */
  public Map<String, String> annotations(String policyId) {
    List<RuleEvidence> rules = evidence(policyId);
    if (rules.isEmpty()) {
      return Map.of();
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (RuleEvidence e : rules) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("direction", e.direction().fieldName());
      entry.put("rule", e.rule());
      entry.put("flows", e.flows());
      entry.put("bytes", e.bytes());
      entry.put("firstSeen", e.firstSeen() == null ? null : e.firstSeen().toString());
      entry.put("lastSeen", e.lastSeen() == null ? null : e.lastSeen().toString());
      entry.put("samplePeers", e.samplePeers());
      if (e.note() != null) {
        entry.put("note", e.note());
      }
      entries.add(entry);
    }
    try {
      return Map.of(EVIDENCE_ANNOTATION, JSON.writeValueAsString(entries));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("evidence of " + policyId + " is not writable as JSON", e);
    }
  }

  /**
   * The policies grouped into files as {@link RecommendOptions#perNamespace()} asks, by relative
   * path: {@code <namespace>/<workload>.yaml} per workload (default-deny in
   * {@code <namespace>/default-deny.yaml}), or {@code <namespace>.yaml} per namespace.
   */
  public Map<String, List<NetworkPolicy>> files() {
    Map<String, List<NetworkPolicy>> files = new TreeMap<>();
    for (NetworkPolicy policy : policies) {
      String file;
      if (options.perNamespace()) {
        file = policy.namespace() + ".yaml";
      } else {
        String workload = workloadsByPolicy.get(policy.id());
        file = policy.namespace() + "/" + (workload == null ? policy.name() : workload.substring(workload.indexOf('/') + 1)
            .replace('/', '-').toLowerCase(java.util.Locale.ROOT)) + ".yaml";
      }
      files.computeIfAbsent(file, f -> new ArrayList<>()).add(policy);
    }
    return files;
  }

  /** The side report for people: broad rules, edges left out and why, then every rule's evidence. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append(policies.size()).append(" policies, ").append(evidence.size()).append(" rules, ")
        .append(broadRules.size()).append(" broad, ").append(skipped.size()).append(" edges without a rule\n");
    if (!broadRules.isEmpty()) {
      out.append("\nBroad rules (review these):\n");
      broadRules.forEach(b -> out.append("  ").append(b.policy()).append(' ').append(b.direction().fieldName()).append('[')
          .append(b.rule()).append("]: ").append(b.why()).append('\n'));
    }
    if (!skipped.isEmpty()) {
      out.append("\nEdges without a rule:\n");
      skipped.forEach(s -> out.append("  ").append(s.reason()).append(' ').append(s.observed().edge().key()).append(": ")
          .append(s.detail()).append('\n'));
    }
    out.append("\nEvidence:\n");
    for (RuleEvidence e : evidence) {
      out.append("  ").append(e.policy()).append(' ').append(e.direction().fieldName()).append('[').append(e.rule())
          .append("]: ").append(e.flows()).append(" flows, ").append(e.bytes()).append(" bytes");
      if (e.firstSeen() != null) {
        out.append(", ").append(e.firstSeen()).append(" .. ").append(e.lastSeen());
      }
      if (!e.samplePeers().isEmpty()) {
        out.append(", peers ").append(String.join(", ", e.samplePeers()));
      }
      if (e.note() != null) {
        out.append(" (").append(e.note()).append(')');
      }
      out.append('\n');
    }
    return out.toString();
  }
}
