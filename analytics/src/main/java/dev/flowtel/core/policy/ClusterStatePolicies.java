package dev.flowtel.core.policy;

import dev.flowtel.schema.ClusterPeerState;
import dev.flowtel.schema.ClusterPolicyRuleState;
import dev.flowtel.schema.ClusterPolicyState;
import dev.flowtel.schema.ClusterPortState;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns ClusterState records (the compacted {@code flowtel.cluster-state.v1} topic) into the
 * policy model, so a streaming detector keeps a {@link PolicySet} and rebuilds its
 * {@link PolicyEngine} when a record arrives.
 */
public final class ClusterStatePolicies {

  private ClusterStatePolicies() {}

  /**
   * {@code current} with one ClusterState record applied. A tombstone (null {@code state})
   * removes the object named by {@code key}, which is {@code kind/namespace/name}
   * ({@code kind//name} or {@code kind/name} for a namespace).
   *
   * @throws IllegalArgumentException when the record is not a valid policy, naming the field
   */
  public static PolicySet apply(PolicySet current, String key, ClusterState state) {
    if (state != null) {
      return switch (state.getKind()) {
        case NAMESPACE -> state.getNamespace() == null ? current : current.withNamespace(namespace(state.getNamespace()));
        case NETWORK_POLICY -> state.getNetworkPolicy() == null ? current
            : current.withPolicy(networkPolicy(state.getNetworkPolicy()));
        case STAGED_NETWORK_POLICY -> state.getNetworkPolicy() == null ? current
            : current.withStagedPolicy(networkPolicy(state.getNetworkPolicy()));
        case ADMIN_NETWORK_POLICY, BASELINE_ADMIN_NETWORK_POLICY, CLUSTER_NETWORK_POLICY -> state.getClusterPolicy() == null
            ? current : current.withClusterPolicy(clusterPolicy(state.getClusterPolicy()));
        case NODE -> state.getNode() == null ? current : current.withNode(node(state.getNode()));
        case UNKNOWN -> current;
      };
    }
    String[] parts = key.split("/", -1);
    String kind = parts[0].replace("_", "").toLowerCase(java.util.Locale.ROOT);
    String name = parts[parts.length - 1];
    if (kind.equals("namespace")) {
      return current.withoutNamespace(name);
    }
    if (kind.equals("networkpolicy") && parts.length == 3) {
      return current.withoutPolicy(parts[1], name);
    }
    if (kind.equals("stagednetworkpolicy") && parts.length == 3) {
      return current.withoutStagedPolicy(parts[1], name);
    }
    if (kind.equals("node") && parts.length == 2) {
      return current.withoutNode(name);
    }
    for (ClusterPolicyKind clusterKind : ClusterPolicyKind.values()) {
      if (kind.equals(clusterKind.name().toLowerCase(java.util.Locale.ROOT)) && parts.length == 2) {
        return current.withoutClusterPolicy(clusterKind, name);
      }
    }
    return current;
  }

  public static NamespaceInfo namespace(NamespaceState state) {
    return new NamespaceInfo(state.getName(), state.getLabels());
  }

  /**
   * The policy of a NetworkPolicyState; null lists are absent fields, as the schema documents.
   *
   * @throws IllegalArgumentException naming the policy and the field that is not valid
   */
  public static NetworkPolicy networkPolicy(NetworkPolicyState state) {
    String id = state.getNamespace() + "/" + state.getName();
    String field = "spec.podSelector";
    try {
      LabelSelector podSelector = selector(state.getPodSelector());
      List<PolicyType> types = null;
      if (state.getPolicyTypes() != null) {
        field = "spec.policyTypes";
        types = new ArrayList<>();
        for (String type : state.getPolicyTypes()) {
          types.add(PolicyType.parse(type));
        }
      }
      List<PolicyRule> ingress = new ArrayList<>();
      List<IngressRule> ingressRules = state.getIngress() == null ? List.of() : state.getIngress();
      for (int i = 0; i < ingressRules.size(); i++) {
        field = "spec.ingress[" + i + "]";
        ingress.add(rule(ingressRules.get(i).getFrom(), ingressRules.get(i).getPorts()));
      }
      List<PolicyRule> egress = new ArrayList<>();
      List<EgressRule> egressRules = state.getEgress() == null ? List.of() : state.getEgress();
      for (int i = 0; i < egressRules.size(); i++) {
        field = "spec.egress[" + i + "]";
        egress.add(rule(egressRules.get(i).getTo(), egressRules.get(i).getPorts()));
      }
      return NetworkPolicy.of(state.getNamespace(), state.getName(), podSelector, types, ingress, egress);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("NetworkPolicy " + id + " " + field + ": " + e.getMessage(), e);
    }
  }

  private static PolicyRule rule(List<dev.flowtel.schema.PolicyPeer> peers, List<dev.flowtel.schema.PolicyPort> ports) {
    List<PolicyPeer> converted = new ArrayList<>();
    for (dev.flowtel.schema.PolicyPeer peer : peers == null ? List.<dev.flowtel.schema.PolicyPeer>of() : peers) {
      converted.add(peer(peer));
    }
    List<PolicyPort> convertedPorts = new ArrayList<>();
    for (dev.flowtel.schema.PolicyPort port : ports == null ? List.<dev.flowtel.schema.PolicyPort>of() : ports) {
      convertedPorts.add(port(port));
    }
    return new PolicyRule(converted, convertedPorts);
  }

  private static PolicyPeer peer(dev.flowtel.schema.PolicyPeer peer) {
    if (peer.getIpBlock() != null) {
      if (peer.getPodSelector() != null || peer.getNamespaceSelector() != null) {
        throw new IllegalArgumentException("a peer with an ipBlock may not also have a podSelector or namespaceSelector");
      }
      List<Cidr> except = new ArrayList<>();
      for (String carved : peer.getIpBlock().getExcept()) {
        except.add(Cidr.parse(carved));
      }
      return new PolicyPeer.IpBlock(Cidr.parse(peer.getIpBlock().getCidr()), except);
    }
    return new PolicyPeer.Pods(
        peer.getNamespaceSelector() == null ? null : selector(peer.getNamespaceSelector()),
        peer.getPodSelector() == null ? null : selector(peer.getPodSelector()));
  }

  private static PolicyPort port(dev.flowtel.schema.PolicyPort port) {
    Protocol protocol = port.getProtocol() == null ? Protocol.TCP : Protocol.parse(port.getProtocol());
    Object number = port.getPort();
    int endPort = port.getEndPort() == null ? 0 : port.getEndPort();
    if (number == null) {
      if (endPort != 0) {
        throw new IllegalArgumentException("endPort " + endPort + " needs a numeric port");
      }
      return PolicyPort.anyPort(protocol);
    }
    if (number instanceof Integer n) {
      return new PolicyPort(protocol, null, n, endPort);
    }
    if (endPort != 0) {
      throw new IllegalArgumentException("endPort " + endPort + " needs a numeric port, not the name \"" + number + "\"");
    }
    return PolicyPort.named(protocol, number.toString());
  }

  /**
   * The ClusterState record of a policy, the inverse of {@link #networkPolicy}: what {@code flowtel
   * policy stage} publishes for a manifest. {@code policyTypes} is written as defaulted, which means the same.
   */
  public static NetworkPolicyState networkPolicyState(NetworkPolicy policy) {
    List<IngressRule> ingress = new ArrayList<>();
    for (PolicyRule rule : policy.ingress()) {
      ingress.add(IngressRule.newBuilder().setFrom(rule.peers().isEmpty() ? null : peerStates(rule.peers()))
          .setPorts(rule.ports().isEmpty() ? null : portStates(rule.ports())).build());
    }
    List<EgressRule> egress = new ArrayList<>();
    for (PolicyRule rule : policy.egress()) {
      egress.add(EgressRule.newBuilder().setTo(rule.peers().isEmpty() ? null : peerStates(rule.peers()))
          .setPorts(rule.ports().isEmpty() ? null : portStates(rule.ports())).build());
    }
    return NetworkPolicyState.newBuilder()
        .setNamespace(policy.namespace())
        .setName(policy.name())
        .setPodSelector(selectorState(policy.podSelector()))
        .setPolicyTypes(policy.policyTypes().stream().map(PolicyType::name).sorted().toList())
        .setIngress(ingress)
        .setEgress(egress)
        .build();
  }

  private static List<dev.flowtel.schema.PolicyPeer> peerStates(List<PolicyPeer> peers) {
    List<dev.flowtel.schema.PolicyPeer> out = new ArrayList<>();
    for (PolicyPeer peer : peers) {
      dev.flowtel.schema.PolicyPeer.Builder state = dev.flowtel.schema.PolicyPeer.newBuilder();
      if (peer instanceof PolicyPeer.IpBlock block) {
        state.setIpBlock(dev.flowtel.schema.IpBlock.newBuilder().setCidr(block.cidr().toString())
            .setExcept(block.except().stream().map(Cidr::toString).toList()).build());
      } else if (peer instanceof PolicyPeer.Pods pods) {
        state.setNamespaceSelector(pods.namespaceSelector() == null ? null : selectorState(pods.namespaceSelector()))
            .setPodSelector(pods.podSelector() == null ? null : selectorState(pods.podSelector()));
      }
      out.add(state.build());
    }
    return out;
  }

  private static List<dev.flowtel.schema.PolicyPort> portStates(List<PolicyPort> ports) {
    List<dev.flowtel.schema.PolicyPort> out = new ArrayList<>();
    for (PolicyPort port : ports) {
      Object number = port.portName() != null ? port.portName() : port.port() == 0 ? null : (Object) port.port();
      out.add(dev.flowtel.schema.PolicyPort.newBuilder().setProtocol(port.protocol().name()).setPort(number)
          .setEndPort(port.endPort() == 0 ? null : port.endPort()).build());
    }
    return out;
  }

  private static dev.flowtel.schema.LabelSelector selectorState(LabelSelector selector) {
    return dev.flowtel.schema.LabelSelector.newBuilder()
        .setMatchLabels(new java.util.TreeMap<>(selector.matchLabels()))
        .setMatchExpressions(selector.matchExpressions().stream().map(r -> LabelSelectorRequirement.newBuilder()
            .setKey(r.key()).setOperator(r.operator().name()).setValues(r.values().stream().sorted().toList()).build()).toList())
        .build();
  }

  /**
   * The cluster-scoped policy of a ClusterPolicyState.
   *
   * @throws IllegalArgumentException naming the policy and the field that is not valid
   */
  public static ClusterPolicy clusterPolicy(ClusterPolicyState state) {
    String field = "kind";
    try {
      ClusterPolicyKind kind = ClusterPolicyKind.valueOf(state.getKind());
      field = "tier";
      ClusterPolicyTier tier = ClusterPolicyTier.valueOf(state.getTier());
      field = "spec.subject";
      LabelSelector namespaces = selector(state.getSubjectNamespaceSelector());
      ClusterSubject subject = state.getSubjectPodSelector() == null ? ClusterSubject.namespaces(namespaces)
          : ClusterSubject.pods(namespaces, selector(state.getSubjectPodSelector()));
      List<ClusterPolicyRule> ingress = new ArrayList<>();
      for (int i = 0; i < state.getIngress().size(); i++) {
        field = "spec.ingress[" + i + "]";
        ingress.add(clusterRule(state.getIngress().get(i)));
      }
      List<ClusterPolicyRule> egress = new ArrayList<>();
      for (int i = 0; i < state.getEgress().size(); i++) {
        field = "spec.egress[" + i + "]";
        egress.add(clusterRule(state.getEgress().get(i)));
      }
      return new ClusterPolicy(kind, state.getName(), tier, state.getPriority(), subject, ingress, egress);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(state.getKind() + "/" + state.getName() + ": " + field + ": " + e.getMessage(), e);
    }
  }

  private static ClusterPolicyRule clusterRule(ClusterPolicyRuleState state) {
    List<ClusterPeer> peers = new ArrayList<>();
    for (ClusterPeerState peer : state.getPeers()) {
      peers.add(switch (peer.getKind()) {
        case "Namespaces" -> new ClusterPeer.Namespaces(selector(peer.getNamespaceSelector()));
        case "Pods" -> new ClusterPeer.Pods(selector(peer.getNamespaceSelector()), selector(peer.getPodSelector()));
        case "Nodes" -> new ClusterPeer.Nodes(selector(peer.getNodeSelector()));
        case "Networks" -> new ClusterPeer.Networks(peer.getNetworks().stream().map(Cidr::parse).toList());
        default -> throw new IllegalArgumentException("peer kind \"" + peer.getKind() + "\" is not Namespaces, Pods, Nodes or Networks");
      });
    }
    List<ClusterPort> ports = new ArrayList<>();
    for (ClusterPortState port : state.getPorts() == null ? List.<ClusterPortState>of() : state.getPorts()) {
      Protocol protocol = port.getProtocol() == null ? Protocol.TCP : Protocol.parse(port.getProtocol());
      if (port.getName() != null) {
        ports.add(new ClusterPort.Named(port.getName()));
      } else if (port.getEndPort() != null) {
        ports.add(new ClusterPort.Range(protocol, port.getPort(), port.getEndPort()));
      } else {
        ports.add(new ClusterPort.Number(protocol, port.getPort()));
      }
    }
    return new ClusterPolicyRule(state.getName(), ClusterRuleAction.valueOf(state.getAction()), peers, ports);
  }

  /** The ClusterState record of a cluster-scoped policy, the inverse of {@link #clusterPolicy}. */
  public static ClusterPolicyState clusterPolicyState(ClusterPolicy policy) {
    return ClusterPolicyState.newBuilder()
        .setKind(policy.kind().name())
        .setName(policy.name())
        .setTier(policy.tier().name())
        .setPriority(policy.priority())
        .setSubjectNamespaceSelector(selectorState(policy.subject().namespaceSelector()))
        .setSubjectPodSelector(policy.subject().podSelector() == null ? null : selectorState(policy.subject().podSelector()))
        .setIngress(policy.ingress().stream().map(ClusterStatePolicies::clusterRuleState).toList())
        .setEgress(policy.egress().stream().map(ClusterStatePolicies::clusterRuleState).toList())
        .build();
  }

  private static ClusterPolicyRuleState clusterRuleState(ClusterPolicyRule rule) {
    List<ClusterPeerState> peers = new ArrayList<>();
    for (ClusterPeer peer : rule.peers()) {
      ClusterPeerState.Builder state = ClusterPeerState.newBuilder();
      if (peer instanceof ClusterPeer.Namespaces n) {
        state.setKind("Namespaces").setNamespaceSelector(selectorState(n.namespaceSelector()));
      } else if (peer instanceof ClusterPeer.Pods p) {
        state.setKind("Pods").setNamespaceSelector(selectorState(p.namespaceSelector())).setPodSelector(selectorState(p.podSelector()));
      } else if (peer instanceof ClusterPeer.Nodes n) {
        state.setKind("Nodes").setNodeSelector(selectorState(n.nodeSelector()));
      } else if (peer instanceof ClusterPeer.Networks n) {
        state.setKind("Networks").setNetworks(n.cidrs().stream().map(Cidr::toString).toList());
      }
      peers.add(state.build());
    }
    List<ClusterPortState> ports = new ArrayList<>();
    for (ClusterPort port : rule.ports()) {
      ClusterPortState.Builder state = ClusterPortState.newBuilder();
      if (port instanceof ClusterPort.Number n) {
        state.setProtocol(n.protocol().name()).setPort(n.port());
      } else if (port instanceof ClusterPort.Range r) {
        state.setProtocol(r.protocol().name()).setPort(r.start()).setEndPort(r.end());
      } else if (port instanceof ClusterPort.Named n) {
        state.setName(n.name());
      }
      ports.add(state.build());
    }
    return ClusterPolicyRuleState.newBuilder().setName(rule.name()).setAction(rule.action().name()).setPeers(peers)
        .setPorts(ports.isEmpty() ? null : ports).build();
  }

  /** The node of a NodeState. */
  public static NodeInfo node(NodeState state) {
    return new NodeInfo(state.getName(), state.getLabels(), state.getAddresses().stream().map(IpAddress::parse).toList());
  }

  public static NodeState nodeState(NodeInfo node) {
    return NodeState.newBuilder().setName(node.name()).setLabels(new java.util.TreeMap<>(node.labels()))
        .setAddresses(node.addresses().stream().map(IpAddress::toString).toList()).build();
  }

  /** The domain selector of a ClusterState selector. */
  public static LabelSelector selector(dev.flowtel.schema.LabelSelector selector) {
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
      requirements.add(new LabelSelector.Requirement(requirement.getKey(),
          LabelSelector.Operator.parse(requirement.getOperator()), Set.copyOf(requirement.getValues())));
    }
    return new LabelSelector(selector.getMatchLabels(), requirements);
  }
}
