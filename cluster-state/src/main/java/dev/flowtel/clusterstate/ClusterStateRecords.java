package dev.flowtel.clusterstate;

import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.EgressRule;
import dev.flowtel.schema.IngressRule;
import dev.flowtel.schema.IpBlock;
import dev.flowtel.schema.LabelSelector;
import dev.flowtel.schema.LabelSelectorRequirement;
import dev.flowtel.schema.NamespaceState;
import dev.flowtel.schema.NetworkPolicyState;
import dev.flowtel.schema.PolicyPeer;
import dev.flowtel.schema.PolicyPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes Namespaces, networking.k8s.io/v1 NetworkPolicies and Nodes as ClusterState records
 * (the cluster-scoped policy CRDs are in {@link ClusterPolicyRecords}).
 *
 * <p>fabric8's model cannot tell an absent list from an empty one (it reads both as empty), so
 * empty lists become null ("absent"). Kubernetes gives both the same meaning everywhere in a
 * NetworkPolicy: no {@code from}/{@code to}/{@code ports} matches everything, and an empty
 * {@code policyTypes} is defaulted from the rules present exactly as an absent one.
 */
public final class ClusterStateRecords {

  private ClusterStateRecords() {}

  public static ClusterState namespace(Namespace namespace, Instant observedAt) {
    var meta = namespace.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : new TreeMap<>(meta.getLabels());
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NAMESPACE).setObservedAt(observedAt)
        .setResourceVersion(meta.getResourceVersion()).setNamespace(new NamespaceState(meta.getName(), labels)).build();
  }

  public static ClusterState networkPolicy(NetworkPolicy policy, Instant observedAt) {
    var meta = policy.getMetadata();
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NETWORK_POLICY).setObservedAt(observedAt)
        .setResourceVersion(meta.getResourceVersion()).setNetworkPolicy(networkPolicyState(policy)).build();
  }

  /**
   * A Node as the {@code nodes} peers of cluster-scoped policies need it: its labels and its
   * InternalIP and ExternalIP addresses in status order, as the manifest reader reads a Node
   * (Hostname and InternalDNS entries name, they do not address).
   *
   * @throws IllegalArgumentException when an address is not an IP address
   */
  public static ClusterState node(Node node, Instant observedAt) {
    var meta = node.getMetadata();
    List<IpAddress> addresses = new ArrayList<>();
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      for (NodeAddress address : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(address.getType()) || "ExternalIP".equals(address.getType())) {
          try {
            addresses.add(IpAddress.parse(address.getAddress()));
          } catch (RuntimeException e) {
            throw new IllegalArgumentException("Node/" + meta.getName() + ": status.addresses " + address.getType() + " \""
                + address.getAddress() + "\" is not an IP address", e);
          }
        }
      }
    }
    NodeInfo info = new NodeInfo(meta.getName(), meta.getLabels() == null ? Map.of() : meta.getLabels(), addresses);
    return ClusterState.newBuilder().setKind(ClusterObjectKind.NODE).setObservedAt(observedAt)
        .setResourceVersion(meta.getResourceVersion()).setNode(ClusterStatePolicies.nodeState(info)).build();
  }

  public static NetworkPolicyState networkPolicyState(NetworkPolicy policy) {
    var meta = policy.getMetadata();
    NetworkPolicySpec spec = policy.getSpec() == null ? new NetworkPolicySpec() : policy.getSpec();
    List<IngressRule> ingress = null;
    if (spec.getIngress() != null && !spec.getIngress().isEmpty()) {
      ingress = new ArrayList<>();
      for (NetworkPolicyIngressRule rule : spec.getIngress()) {
        ingress.add(new IngressRule(peers(rule.getFrom()), ports(rule.getPorts())));
      }
    }
    List<EgressRule> egress = null;
    if (spec.getEgress() != null && !spec.getEgress().isEmpty()) {
      egress = new ArrayList<>();
      for (NetworkPolicyEgressRule rule : spec.getEgress()) {
        egress.add(new EgressRule(peers(rule.getTo()), ports(rule.getPorts())));
      }
    }
    List<String> types = spec.getPolicyTypes() == null || spec.getPolicyTypes().isEmpty() ? null
        : List.copyOf(spec.getPolicyTypes());
    return new NetworkPolicyState(meta.getNamespace(), meta.getName(), selector(spec.getPodSelector()), types, ingress,
        egress);
  }

  private static List<PolicyPeer> peers(List<NetworkPolicyPeer> peers) {
    if (peers == null || peers.isEmpty()) {
      return null;
    }
    List<PolicyPeer> out = new ArrayList<>();
    for (NetworkPolicyPeer p : peers) {
      IpBlock block = p.getIpBlock() == null ? null
          : new IpBlock(p.getIpBlock().getCidr(), p.getIpBlock().getExcept() == null ? List.of() : List.copyOf(p.getIpBlock().getExcept()));
      out.add(new PolicyPeer(p.getPodSelector() == null ? null : selector(p.getPodSelector()),
          p.getNamespaceSelector() == null ? null : selector(p.getNamespaceSelector()), block));
    }
    return out;
  }

  private static List<PolicyPort> ports(List<NetworkPolicyPort> ports) {
    if (ports == null || ports.isEmpty()) {
      return null;
    }
    List<PolicyPort> out = new ArrayList<>();
    for (NetworkPolicyPort p : ports) {
      IntOrString port = p.getPort();
      Object value = port == null ? null : port.getIntVal() != null ? (Object) port.getIntVal() : port.getStrVal();
      out.add(new PolicyPort(p.getProtocol(), value, p.getEndPort()));
    }
    return out;
  }

  /** A selector; null (absent) is the empty selector, which selects everything. */
  static LabelSelector selector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
    Map<String, String> labels = new TreeMap<>();
    List<LabelSelectorRequirement> requirements = new ArrayList<>();
    if (selector != null) {
      if (selector.getMatchLabels() != null) {
        labels.putAll(selector.getMatchLabels());
      }
      for (var r : selector.getMatchExpressions() == null
          ? List.<io.fabric8.kubernetes.api.model.LabelSelectorRequirement>of() : selector.getMatchExpressions()) {
        requirements.add(new LabelSelectorRequirement(r.getKey(), r.getOperator(),
            r.getValues() == null ? List.of() : List.copyOf(r.getValues())));
      }
    }
    return new LabelSelector(labels, requirements);
  }
}
