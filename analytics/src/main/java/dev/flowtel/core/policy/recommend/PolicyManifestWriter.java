package dev.flowtel.core.policy.recommend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes NetworkPolicies as {@code networking.k8s.io/v1} YAML for {@code kubectl apply -f}: one
 * document per policy, {@code policyTypes} always spelled out (so nobody has to know the API
 * server's defaulting), labels and ports in a stable order, so that a re-run changes a file only
 * when the policy changed. {@code ManifestReader} reads what this writes back to an equal policy.
 */
public final class PolicyManifestWriter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // Label values such as "8080" or "true" stay strings, as Kubernetes demands.
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build());

  private PolicyManifestWriter() {}

  /** One policy as one YAML document; {@code annotations} go under metadata (none when empty). */
  public static String write(NetworkPolicy policy, Map<String, String> annotations) {
    try {
      return YAML.writeValueAsString(tree(policy, annotations));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("NetworkPolicy " + policy.id() + " could not be written as YAML", e);
    }
  }

  /** Several policies as a multi-document YAML file, each with the annotations {@code annotationsById} gives its id. */
  public static String writeAll(List<NetworkPolicy> policies, Function<String, Map<String, String>> annotationsById) {
    StringBuilder out = new StringBuilder();
    for (NetworkPolicy policy : policies) {
      out.append("---\n").append(write(policy, annotationsById.apply(policy.id())));
    }
    return out.toString();
  }

  /** A recommendation's policies in one file, with their evidence annotations. */
  public static String writeAll(List<NetworkPolicy> policies, Recommendation recommendation) {
    return writeAll(policies, recommendation::annotations);
  }

  private static ObjectNode tree(NetworkPolicy policy, Map<String, String> annotations) {
    ObjectNode root = NODES.objectNode();
    root.put("apiVersion", "networking.k8s.io/v1");
    root.put("kind", "NetworkPolicy");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", policy.name());
    metadata.put("namespace", policy.namespace());
    if (!annotations.isEmpty()) {
      ObjectNode notes = metadata.putObject("annotations");
      new TreeMap<>(annotations).forEach(notes::put);
    }
    ObjectNode spec = root.putObject("spec");
    spec.set("podSelector", selector(policy.podSelector()));
    ArrayNode types = spec.putArray("policyTypes");
    for (PolicyType type : PolicyType.values()) {
      if (policy.isolates(type)) {
        types.add(type.name());
      }
    }
    if (!policy.ingress().isEmpty()) {
      spec.set("ingress", rules(policy.ingress(), "from"));
    }
    if (!policy.egress().isEmpty()) {
      spec.set("egress", rules(policy.egress(), "to"));
    }
    return root;
  }

  private static ArrayNode rules(List<PolicyRule> rules, String peersField) {
    ArrayNode list = NODES.arrayNode();
    for (PolicyRule rule : rules) {
      ObjectNode node = list.addObject();
      if (!rule.peers().isEmpty()) {
        ArrayNode peers = node.putArray(peersField);
        rule.peers().forEach(p -> peers.add(peer(p)));
      }
      if (!rule.ports().isEmpty()) {
        ArrayNode ports = node.putArray("ports");
        rule.ports().forEach(p -> ports.add(port(p)));
      }
    }
    return list;
  }

  private static ObjectNode peer(PolicyPeer peer) {
    ObjectNode node = NODES.objectNode();
    if (peer instanceof PolicyPeer.IpBlock block) {
      ObjectNode ipBlock = node.putObject("ipBlock");
      ipBlock.put("cidr", block.cidr().toString());
      if (!block.except().isEmpty()) {
        ArrayNode except = ipBlock.putArray("except");
        block.except().stream().map(Cidr::toString).forEach(except::add);
      }
      return node;
    }
    PolicyPeer.Pods pods = (PolicyPeer.Pods) peer;
    if (pods.namespaceSelector() != null) {
      node.set("namespaceSelector", selector(pods.namespaceSelector()));
    }
    if (pods.podSelector() != null) {
      node.set("podSelector", selector(pods.podSelector()));
    }
    return node;
  }

  private static ObjectNode port(PolicyPort port) {
    ObjectNode node = NODES.objectNode();
    node.put("protocol", port.protocol().name());
    if (port.portName() != null) {
      node.put("port", port.portName());
    } else if (port.port() != 0) {
      node.put("port", port.port());
      if (port.endPort() != 0) {
        node.put("endPort", port.endPort());
      }
    }
    return node;
  }

  private static ObjectNode selector(LabelSelector selector) {
    ObjectNode node = NODES.objectNode();
    if (!selector.matchLabels().isEmpty()) {
      ObjectNode labels = node.putObject("matchLabels");
      new TreeMap<>(selector.matchLabels()).forEach(labels::put);
    }
    if (!selector.matchExpressions().isEmpty()) {
      ArrayNode expressions = node.putArray("matchExpressions");
      for (LabelSelector.Requirement requirement : selector.matchExpressions()) {
        ObjectNode expression = expressions.addObject();
        expression.put("key", requirement.key());
        expression.put("operator", requirement.operator().name());
        if (!requirement.values().isEmpty()) {
          ArrayNode values = expression.putArray("values");
          new TreeSet<>(requirement.values()).forEach(values::add);
        }
      }
    }
    return node;
  }
}
