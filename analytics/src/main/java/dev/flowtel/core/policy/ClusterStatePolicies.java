package dev.flowtel.core.policy;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkPolicyState;
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
