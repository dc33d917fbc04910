package dev.flowtel.core.policy.manifest;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.ClusterPeer;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.ClusterPolicyKind;
import dev.flowtel.core.policy.ClusterPolicyRule;
import dev.flowtel.core.policy.ClusterPolicyTier;
import dev.flowtel.core.policy.ClusterPort;
import dev.flowtel.core.policy.ClusterRuleAction;
import dev.flowtel.core.policy.ClusterSubject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the cluster-scoped policy kinds and Nodes for {@link ManifestReader}, with the checks the
 * API server's validation makes (the CRDs of kubernetes-sigs/network-policy-api): priority in
 * 0..1000, one action of the kind's own set, exactly one field per subject, peer and port, a port
 * range's start below its end, nodes and networks only in egress.
 *
 * <p>{@code policy.networking.k8s.io/v1alpha1} AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * write ports as {@code portNumber}, {@code namedPort} or {@code portRange}; {@code v1alpha2}
 * ClusterNetworkPolicy (and {@code v1beta1}, which has the same fields) writes them as {@code protocols} ({@code tcp}/{@code udp}/{@code sctp} with a
 * {@code destinationPort} number or range, or {@code destinationNamedPort}).
 */
final class ClusterPolicyManifests {

  private static final String GROUP = "policy.networking.k8s.io/";

  private ClusterPolicyManifests() {}

  static ClusterPolicy clusterPolicy(ManifestNode object, ObjectKind objectKind, List<String> warnings) {
    ClusterPolicyKind kind = ClusterPolicyKind.valueOf(objectKind.name());
    boolean v1alpha2 = kind == ClusterPolicyKind.ClusterNetworkPolicy;
    String version = GROUP + (v1alpha2 ? "v1alpha2" : "v1alpha1");
    String apiVersion = object.field("apiVersion").text();
    // v1beta1 ClusterNetworkPolicy keeps v1alpha2's fields, so it is read the same way.
    boolean known = apiVersion == null || apiVersion.equals(version) || (v1alpha2 && apiVersion.equals(GROUP + "v1beta1"));
    if (!known) {
      throw object.field("apiVersion").error("\"" + apiVersion + "\" is not " + version
          + (v1alpha2 ? " (or v1beta1)" : "") + ", the version of " + kind);
    }
    ManifestNode metadata = object.field("metadata").object();
    String name = metadata.field("name").requiredText();
    ManifestNode spec = object.field("spec").object();
    if (!spec.present()) {
      throw spec.error("is missing");
    }
    ClusterPolicyTier tier;
    int priority;
    Set<ClusterRuleAction> actions;
    switch (kind) {
      case AdminNetworkPolicy -> {
        tier = ClusterPolicyTier.Admin;
        priority = priority(spec.field("priority"));
        actions = EnumSet.of(ClusterRuleAction.Allow, ClusterRuleAction.Deny, ClusterRuleAction.Pass);
      }
      case BaselineAdminNetworkPolicy -> {
        if (!name.equals("default")) {
          throw metadata.field("name").error("\"" + name + "\" must be \"default\": a cluster has one BaselineAdminNetworkPolicy,"
              + " named default (the API server refuses any other name)");
        }
        tier = ClusterPolicyTier.Baseline;
        priority = 0;
        actions = EnumSet.of(ClusterRuleAction.Allow, ClusterRuleAction.Deny);
      }
      default -> {
        ManifestNode tierField = spec.field("tier");
        String tierText = tierField.requiredText();
        if (tierText.equals("Admin")) {
          tier = ClusterPolicyTier.Admin;
        } else if (tierText.equals("Baseline")) {
          tier = ClusterPolicyTier.Baseline;
        } else {
          throw tierField.error("\"" + tierText + "\" is not Admin or Baseline");
        }
        priority = priority(spec.field("priority"));
        actions = EnumSet.of(ClusterRuleAction.Accept, ClusterRuleAction.Deny, ClusterRuleAction.Pass);
      }
    }
    ClusterSubject subject = subject(spec.field("subject"));
    int maxRules = v1alpha2 ? 25 : 100;
    List<ClusterPolicyRule> ingress = rules(spec.field("ingress"), false, v1alpha2, actions, maxRules, kind, warnings);
    List<ClusterPolicyRule> egress = rules(spec.field("egress"), true, v1alpha2, actions, maxRules, kind, warnings);
    return new ClusterPolicy(kind, name, tier, priority, subject, ingress, egress);
  }

  private static int priority(ManifestNode field) {
    if (!field.present()) {
      throw field.error("is missing: a priority in 0..1000 (lower is evaluated first)");
    }
    int priority = field.integer(0);
    if (priority < 0 || priority > 1000) {
      throw field.error(priority + " is not in 0..1000");
    }
    return priority;
  }

  private static ClusterSubject subject(ManifestNode subject) {
    subject.object();
    if (!subject.present()) {
      throw subject.error("is missing: give namespaces or pods");
    }
    ManifestNode namespaces = subject.field("namespaces");
    ManifestNode pods = subject.field("pods").object();
    if (namespaces.present() == pods.present()) {
      throw subject.error("must have exactly one of namespaces and pods");
    }
    if (namespaces.present()) {
      return ClusterSubject.namespaces(ManifestReader.selector(namespaces));
    }
    ClusterPeer.Pods selected = namespacedPods(pods);
    return ClusterSubject.pods(selected.namespaceSelector(), selected.podSelector());
  }

  private static ClusterPeer.Pods namespacedPods(ManifestNode pods) {
    ManifestNode namespaceSelector = pods.field("namespaceSelector");
    ManifestNode podSelector = pods.field("podSelector");
    if (!podSelector.present()) {
      throw pods.error("needs a podSelector ({} selects every pod)");
    }
    return new ClusterPeer.Pods(
        namespaceSelector.present() ? ManifestReader.selector(namespaceSelector) : LabelSelector.EVERYTHING,
        ManifestReader.selector(podSelector));
  }

  private static List<ClusterPolicyRule> rules(ManifestNode list, boolean egress, boolean v1alpha2,
      Set<ClusterRuleAction> actions, int maxRules, ClusterPolicyKind kind, List<String> warnings) {
    List<ManifestNode> elements = list.elements();
    if (elements.size() > maxRules) {
      throw list.error("has " + elements.size() + " rules; " + kind + " allows at most " + maxRules);
    }
    List<ClusterPolicyRule> rules = new ArrayList<>();
    for (ManifestNode rule : elements) {
      rule.object();
      String name = rule.field("name").text();
      ManifestNode actionField = rule.field("action");
      String actionText = actionField.requiredText();
      ClusterRuleAction action = null;
      for (ClusterRuleAction candidate : actions) {
        if (candidate.name().equals(actionText)) {
          action = candidate;
        }
      }
      if (action == null) {
        throw actionField.error("\"" + actionText + "\" is not an action of " + kind + ": "
            + String.join(", ", actions.stream().map(Enum::name).toList()));
      }
      ManifestNode peersField = rule.field(egress ? "to" : "from");
      List<ClusterPeer> peers = new ArrayList<>();
      for (ManifestNode peer : peersField.elements()) {
        ClusterPeer read = peer(peer.object(), egress, action, warnings);
        if (read != null) {
          peers.add(read);
        }
      }
      if (peersField.elements().isEmpty()) {
        throw peersField.error("must list at least one peer");
      }
      List<ClusterPort> ports = v1alpha2 ? protocols(rule.field("protocols")) : ports(rule.field("ports"));
      rules.add(new ClusterPolicyRule(name, action, peers, ports));
    }
    return rules;
  }

  /** A peer; null for domainNames, which no address-based judgement can match (with a warning). */
  private static ClusterPeer peer(ManifestNode peer, boolean egress, ClusterRuleAction action, List<String> warnings) {
    List<String> fields = new ArrayList<>();
    for (String field : List.of("namespaces", "pods", "nodes", "networks", "domainNames")) {
      if (peer.field(field).present()) {
        fields.add(field);
      }
    }
    if (fields.size() != 1) {
      throw peer.error(fields.isEmpty() ? "needs one of namespaces, pods" + (egress ? ", nodes, networks" : "")
          : "has " + String.join(" and ", fields) + "; write each as its own peer");
    }
    String field = fields.get(0);
    if (!egress && !field.equals("namespaces") && !field.equals("pods")) {
      throw peer.field(field).error("is for egress rules only; an ingress peer is namespaces or pods");
    }
    return switch (field) {
      case "namespaces" -> new ClusterPeer.Namespaces(ManifestReader.selector(peer.field("namespaces")));
      case "pods" -> namespacedPods(peer.field("pods").object());
      case "nodes" -> new ClusterPeer.Nodes(ManifestReader.selector(peer.field("nodes")));
      case "networks" -> {
        List<Cidr> cidrs = new ArrayList<>();
        for (ManifestNode cidr : peer.field("networks").elements()) {
          cidrs.add(ManifestReader.cidr(cidr));
        }
        if (cidrs.isEmpty()) {
          throw peer.field("networks").error("must list at least one CIDR");
        }
        yield new ClusterPeer.Networks(cidrs);
      }
      default -> {
        ManifestException where = peer.field("domainNames").error("");
        warnings.add(where.getMessage() + "are not judged (a connection carries an address, not the name it was resolved from): this "
            + action + " peer matches nothing");
        yield null;
      }
    };
  }

  /** v1alpha1 ports: each exactly one of portNumber, namedPort, portRange; protocol TCP when absent. */
  private static List<ClusterPort> ports(ManifestNode list) {
    List<ClusterPort> ports = new ArrayList<>();
    for (ManifestNode port : list.elements()) {
      port.object();
      ManifestNode number = port.field("portNumber").object();
      ManifestNode named = port.field("namedPort");
      ManifestNode range = port.field("portRange").object();
      int set = (number.present() ? 1 : 0) + (named.present() ? 1 : 0) + (range.present() ? 1 : 0);
      if (set != 1) {
        throw port.error("must have exactly one of portNumber, namedPort and portRange");
      }
      if (number.present()) {
        ports.add(new ClusterPort.Number(ManifestReader.protocol(number.field("protocol")), portNumber(number.field("port"))));
      } else if (named.present()) {
        ports.add(new ClusterPort.Named(named.requiredText()));
      } else {
        ports.add(range(ManifestReader.protocol(range.field("protocol")), range));
      }
    }
    return ports;
  }

  /** v1alpha2 protocols: each exactly one of tcp, udp, sctp (with a destinationPort) and destinationNamedPort. */
  private static List<ClusterPort> protocols(ManifestNode list) {
    List<ClusterPort> ports = new ArrayList<>();
    for (ManifestNode entry : list.elements()) {
      entry.object();
      List<String> set = new ArrayList<>();
      for (String field : List.of("tcp", "udp", "sctp", "destinationNamedPort")) {
        if (entry.field(field).present()) {
          set.add(field);
        }
      }
      if (set.size() != 1) {
        throw entry.error("must have exactly one of tcp, udp, sctp and destinationNamedPort");
      }
      String field = set.get(0);
      if (field.equals("destinationNamedPort")) {
        ports.add(new ClusterPort.Named(entry.field(field).requiredText()));
        continue;
      }
      Protocol protocol = Protocol.valueOf(field.toUpperCase(java.util.Locale.ROOT));
      ManifestNode destination = entry.field(field).object().field("destinationPort").object();
      if (!destination.present()) {
        throw entry.field(field).error("needs a destinationPort (number or range)");
      }
      ManifestNode number = destination.field("number");
      ManifestNode range = destination.field("range").object();
      if (number.present() == range.present()) {
        throw destination.error("must have exactly one of number and range");
      }
      ports.add(number.present() ? new ClusterPort.Number(protocol, portNumber(number)) : range(protocol, range));
    }
    return ports;
  }

  private static int portNumber(ManifestNode field) {
    if (!field.present()) {
      throw field.error("is missing");
    }
    int port = field.integer(0);
    if (port < 1 || port > 65535) {
      throw field.error(port + " is not a port in 1..65535");
    }
    return port;
  }

  private static ClusterPort.Range range(Protocol protocol, ManifestNode range) {
    int start = portNumber(range.field("start"));
    int end = portNumber(range.field("end"));
    if (start >= end) {
      throw range.field("start").error(start + " must be less than end (" + end + "); for one port write a port number");
    }
    return new ClusterPort.Range(protocol, start, end);
  }

  /** A Node: its labels and its InternalIP and ExternalIP addresses. */
  static NodeInfo node(ManifestNode object) {
    ManifestNode metadata = object.field("metadata").object();
    String name = metadata.field("name").requiredText();
    List<IpAddress> addresses = new ArrayList<>();
    for (ManifestNode address : object.field("status").object().field("addresses").elements()) {
      String type = address.object().field("type").text();
      if ("InternalIP".equals(type) || "ExternalIP".equals(type)) {
        ManifestNode value = address.field("address");
        try {
          addresses.add(IpAddress.parse(value.requiredText()));
        } catch (IllegalArgumentException e) {
          throw value.error(e.getMessage());
        }
      }
    }
    return new NodeInfo(name, metadata.field("labels").stringMap(), addresses);
  }
}
