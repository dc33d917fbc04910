package dev.flowtel.core.policy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.policy.DirectionVerdict;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPolicyRule;
import dev.flowtel.core.policy.ClusterPort;
import dev.flowtel.core.policy.ClusterRuleAction;
import dev.flowtel.core.policy.ClusterRuleRef;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster of sig-network's conformance suite for cluster-scoped policies (hogwarts.yaml: the four
 * houses, the staff, the forbidden forest's host-network centaurs and the nodes), the policies of one
 * scenario read from YAML with our ManifestReader, and the changes the Go tests make between probes
 * (swapping rules, changing an action or a priority, deleting a NetworkPolicy).
 *
 * <p>Probes are written as upstream's PokeServer calls, one per line:
 * {@code luna-lovegood-0 -> harry-potter-0 tcp/80 allowed by AdminNetworkPolicy/ingress-tcp ingress[0]};
 * pods by name (names are unique here), and after {@code by} the rule that decided, which must be the
 * deciding rule of one direction (of a denying one when denied). {@code by NetworkPolicy ns/name} names a
 * NetworkPolicy that isolates the pod; {@code by default} says no policy decided either direction (for a
 * denial: none decided the denying one, which cannot happen).
 */
final class Hogwarts {

  private static final String RESOURCES = "/dev/flowtel/core/policy/conformance/";
  private static final ManifestContents CLUSTER = read("hogwarts.yaml",
      EnumSet.of(ObjectKind.Namespace, ObjectKind.Pod, ObjectKind.Node));

  private final Map<String, PodInfo> pods = new LinkedHashMap<>();
  private PolicySet policies;

  private Hogwarts(PolicySet policies) {
    this.policies = policies;
    CLUSTER.pods().forEach(p -> pods.put(p.name(), p));
  }

  /** The cluster with the policies of these scenario files (NetworkPolicies and cluster-scoped ones). */
  static Hogwarts with(String... policyFiles) {
    List<NetworkPolicy> networkPolicies = new ArrayList<>();
    List<ClusterPolicy> clusterPolicies = new ArrayList<>();
    EnumSet<ObjectKind> kinds = EnumSet.of(ObjectKind.NetworkPolicy);
    kinds.addAll(ObjectKind.CLUSTER_POLICIES);
    for (String file : policyFiles) {
      ManifestContents contents = read(file, kinds);
      assertThat(contents.warnings()).as("warnings reading " + file).isEmpty();
      networkPolicies.addAll(contents.policies());
      clusterPolicies.addAll(contents.clusterPolicies());
    }
    return new Hogwarts(PolicySet.of(CLUSTER.namespaces(), networkPolicies, clusterPolicies, CLUSTER.nodes()));
  }

  static ManifestContents read(String file, EnumSet<ObjectKind> kinds) {
    URL url = Hogwarts.class.getResource(RESOURCES + file);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + RESOURCES + file);
    }
    try {
      return ManifestReader.read(List.of(Path.of(url.toURI())), kinds, "the scenario");
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  PolicySet policySet() {
    return policies;
  }

  PodInfo pod(String name) {
    PodInfo pod = pods.get(name);
    if (pod == null) {
      throw new IllegalArgumentException("no pod " + name + " in hogwarts.yaml");
    }
    return pod;
  }

  ClusterPolicy policy(ClusterPolicyKind kind, String name) {
    return policies.clusterPolicies().stream().filter(p -> p.kind() == kind && p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + kind + " " + name));
  }

  /** Swaps rules {@code i} and {@code j} of one direction, as the Go tests do with client.Update. */
  Hogwarts swapRules(ClusterPolicyKind kind, String name, PolicyType type, int i, int j) {
    return changeRules(kind, name, type, rules -> {
      ClusterPolicyRule first = rules.get(i);
      rules.set(i, rules.get(j));
      rules.set(j, first);
    });
  }

  Hogwarts setAction(ClusterPolicyKind kind, String name, PolicyType type, int index, ClusterRuleAction action) {
    return changeRules(kind, name, type, rules -> {
      ClusterPolicyRule rule = rules.get(index);
      rules.set(index, new ClusterPolicyRule(rule.name(), action, rule.peers(), rule.ports()));
    });
  }

  Hogwarts setPorts(ClusterPolicyKind kind, String name, PolicyType type, int index, ClusterPort... ports) {
    return changeRules(kind, name, type, rules -> {
      ClusterPolicyRule rule = rules.get(index);
      rules.set(index, new ClusterPolicyRule(rule.name(), rule.action(), rule.peers(), List.of(ports)));
    });
  }

  Hogwarts insertRule(ClusterPolicyKind kind, String name, PolicyType type, int index, ClusterPolicyRule rule) {
    return changeRules(kind, name, type, rules -> rules.add(index, rule));
  }

  Hogwarts setPriority(ClusterPolicyKind kind, String name, int priority) {
    ClusterPolicy p = policy(kind, name);
    policies = policies.withClusterPolicy(new ClusterPolicy(p.kind(), p.name(), p.tier(), priority, p.subject(),
        p.ingress(), p.egress()));
    return this;
  }

  /** Gives ClusterNetworkPolicy {@code name} the subject of ClusterNetworkPolicy {@code from}. */
  Hogwarts setSubjectOf(String name, String from) {
    ClusterPolicy p = policy(ClusterPolicyKind.ClusterNetworkPolicy, name);
    policies = policies.withClusterPolicy(new ClusterPolicy(p.kind(), p.name(), p.tier(), p.priority(),
        policy(ClusterPolicyKind.ClusterNetworkPolicy, from).subject(), p.ingress(), p.egress()));
    return this;
  }

  Hogwarts deleteNetworkPolicy(String namespace, String name) {
    policies = policies.withoutPolicy(namespace, name);
    return this;
  }

  Hogwarts deleteClusterPolicy(ClusterPolicyKind kind, String name) {
    policies = policies.withoutClusterPolicy(kind, name);
    return this;
  }

  private Hogwarts changeRules(ClusterPolicyKind kind, String name, PolicyType type,
      java.util.function.Consumer<List<ClusterPolicyRule>> change) {
    ClusterPolicy p = policy(kind, name);
    List<ClusterPolicyRule> rules = new ArrayList<>(p.rules(type));
    change.accept(rules);
    policies = policies.withClusterPolicy(new ClusterPolicy(p.kind(), p.name(), p.tier(), p.priority(), p.subject(),
        type == PolicyType.Ingress ? rules : p.ingress(), type == PolicyType.Egress ? rules : p.egress()));
    return this;
  }

  /** The verdict on one probe: a client pod connecting to a server pod's address on a protocol and port. */
  PolicyVerdict probe(String from, String to, Protocol protocol, int port) {
    return PolicyEngine.of(policies).evaluate(pod(from), pod(to), protocol, port);
  }

  /** Asserts every probe line; on failure the whole table is shown as it came out. */
  void expect(String probes) {
    PolicyEngine engine = PolicyEngine.of(policies);
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (String line : probes.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      String[] words = line.split("\\s+", 7);
      boolean wellFormed = words.length >= 5 && words[1].equals("->") && words[3].contains("/")
          && (words[4].equals("allowed") || words[4].equals("denied")) && (words.length == 5 || words[5].equals("by"));
      if (!wellFormed || words.length == 6) {
        throw new IllegalArgumentException("a probe reads <from> -> <to> <protocol>/<port> allowed|denied [by <rule>]: " + line);
      }
      String[] traffic = words[3].split("/");
      Protocol protocol = Protocol.parse(traffic[0]);
      int port = Integer.parseInt(traffic[1]);
      PolicyVerdict verdict = engine.evaluate(pod(words[0]), pod(words[2]), protocol, port);
      String by = words.length == 7 ? words[6] : null;
      String head = String.join(" ", words[0], "->", words[2], protocol.name().toLowerCase(Locale.ROOT) + "/" + port);
      String expectedLine = head + " " + words[4] + (by == null ? "" : " by " + by);
      expected.add(expectedLine);
      actual.add(head + " " + (verdict.allowed() ? "allowed" : "denied") + (by == null ? "" : " by " + decider(verdict, by)));
    }
    assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", expected));
  }

  /** The deciding rule that matches {@code expected} when one does, else the one a reader should see first. */
  private static String decider(PolicyVerdict verdict, String expected) {
    List<DirectionVerdict> candidates = new ArrayList<>();
    if (!verdict.allowed()) {
      for (DirectionVerdict direction : List.of(verdict.egress(), verdict.ingress())) {
        if (!direction.allowed()) {
          candidates.add(direction);
        }
      }
    } else {
      candidates.add(verdict.egress());
      candidates.add(verdict.ingress());
    }
    List<String> described = new ArrayList<>();
    for (DirectionVerdict direction : candidates) {
      described.addAll(describe(direction));
    }
    List<String> decided = described.stream().filter(d -> !d.equals("default")).toList();
    // "default" means no policy decided either direction; a rule must be one that decided
    if (!expected.equals("default") && decided.contains(expected)) {
      return expected;
    }
    return decided.isEmpty() ? "default" : String.join(" + ", decided);
  }

  private static List<String> describe(DirectionVerdict direction) {
    ClusterRuleRef rule = direction.decidedBy();
    if (rule != null) {
      return List.of(rule.policy() + " " + rule.type().fieldName() + "[" + rule.index() + "]");
    }
    return switch (direction.outcome()) {
      case ALLOWED -> direction.allowingRules().stream().map(RuleRef::toString).toList();
      case DENIED -> direction.isolatingPolicies().stream().map(p -> "NetworkPolicy " + p).toList();
      default -> List.of("default");
    };
  }
}
