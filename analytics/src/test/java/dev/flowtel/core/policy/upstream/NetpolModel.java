package dev.flowtel.core.policy.upstream;

import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster of the upstream Kubernetes network-policy e2e tests: namespaces x, y and z, each
 * with pods a, b and c labelled {@code pod: <name>}, every pod serving ports 80 and 81 on TCP,
 * UDP and SCTP under the names {@code serve-80-tcp} and so on. Pod x/a has IP 10.0.1.1, y/b
 * 10.0.2.2, z/c 10.0.3.3.
 */
final class NetpolModel {

  static final List<String> NAMESPACES = List.of("x", "y", "z");
  static final List<String> POD_NAMES = List.of("a", "b", "c");

  private final Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
  private final Map<String, PodInfo> pods = new LinkedHashMap<>();

  NetpolModel() {
    for (int n = 0; n < NAMESPACES.size(); n++) {
      String ns = NAMESPACES.get(n);
      namespaces.put(ns, new NamespaceInfo(ns, Map.of("ns", ns)));
      for (int p = 0; p < POD_NAMES.size(); p++) {
        String pod = POD_NAMES.get(p);
        pods.put(ns + "/" + pod, PodInfo.of(ns, pod, Map.of("pod", pod), "10.0." + (n + 1) + "." + (p + 1))
            .withNamedPorts(servedPorts()));
      }
    }
  }

  private static Map<String, ContainerPort> servedPorts() {
    Map<String, ContainerPort> ports = new LinkedHashMap<>();
    for (int port : new int[] {80, 81}) {
      for (Protocol protocol : Protocol.values()) {
        String name = "serve-" + port + "-" + protocol.name().toLowerCase(java.util.Locale.ROOT);
        ports.put(name, new ContainerPort(name, port, protocol));
      }
    }
    return ports;
  }

  /** Adds labels to a namespace, as the "updated namespace" scenario does. */
  NetpolModel labelNamespace(String ns, String key, String value) {
    Map<String, String> labels = new LinkedHashMap<>(namespaces.get(ns).labels());
    labels.put(key, value);
    namespaces.put(ns, new NamespaceInfo(ns, labels));
    return this;
  }

  /** Adds labels to a pod, as the "updated pod" scenarios do. */
  NetpolModel labelPod(String id, String key, String value) {
    PodInfo pod = pods.get(id);
    Map<String, String> labels = new LinkedHashMap<>(pod.labels());
    labels.put(key, value);
    pods.put(id, new PodInfo(pod.namespace(), pod.name(), labels, pod.ip(), pod.namedPorts(), false));
    return this;
  }

  /**
   * The reachability matrix under these policies: one row per source (x/a, x/b, ... z/c), one
   * column per destination in the same order, grouped by namespace; {@code .} allowed, {@code X}
   * denied.
   */
  String reachability(List<NetworkPolicy> policies, Protocol protocol, int port) {
    PolicyEngine engine = PolicyEngine.of(PolicySet.of(namespaces.values(), policies));
    StringBuilder out = new StringBuilder();
    for (PodInfo from : pods.values()) {
      List<String> groups = new ArrayList<>();
      StringBuilder group = new StringBuilder();
      for (PodInfo to : pods.values()) {
        group.append(engine.evaluate(from, to, protocol, port).allowed() ? '.' : 'X');
        if (group.length() == 3) {
          groups.add(group.toString());
          group.setLength(0);
        }
      }
      out.append(from.display()).append(' ').append(String.join(" ", groups)).append('\n');
    }
    return out.toString();
  }

  /** The expected matrix written as nine rows of nine marks, spaces anywhere; row labels added. */
  static String matrix(String rows) {
    List<String> lines = rows.lines().map(l -> l.replace(" ", "")).filter(l -> !l.isEmpty()).toList();
    if (lines.size() != 9 || lines.stream().anyMatch(l -> l.length() != 9)) {
      throw new IllegalArgumentException("a matrix has 9 rows of 9 marks:\n" + rows);
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (String ns : NAMESPACES) {
      for (String pod : POD_NAMES) {
        String l = lines.get(i++);
        out.append(ns).append('/').append(pod).append(' ')
            .append(l, 0, 3).append(' ').append(l, 3, 6).append(' ').append(l, 6, 9).append('\n');
      }
    }
    return out.toString();
  }

  /** Every connection allowed. */
  static final String ALL_ALLOWED = matrix("""
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      ... ... ...
      """);

  static LabelSelector pod(String name) {
    return LabelSelector.matchLabels(Map.of("pod", name));
  }

  static LabelSelector namespaceNamed(String name) {
    return LabelSelector.matchLabels(Map.of(NamespaceInfo.NAME_LABEL, name));
  }

  /** A policy with policyTypes [Ingress], as upstream's SetSpecIngressRules makes. */
  static NetworkPolicy ingress(String namespace, String name, LabelSelector target, PolicyRule... rules) {
    return new NetworkPolicy(namespace, name, target, Set.of(PolicyType.Ingress), List.of(rules), List.of());
  }

  /** A policy with policyTypes [Egress], as upstream's SetSpecEgressRules makes. */
  static NetworkPolicy egress(String namespace, String name, LabelSelector target, PolicyRule... rules) {
    return new NetworkPolicy(namespace, name, target, Set.of(PolicyType.Egress), List.of(), List.of(rules));
  }
}
