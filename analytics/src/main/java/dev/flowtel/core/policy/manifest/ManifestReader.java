package dev.flowtel.core.policy.manifest;

import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.NodeInfo;
import dev.flowtel.core.policy.ClusterPolicy;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.history.InventoryService;
import dev.flowtel.core.policy.history.InventoryWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Namespaces, Pods, NetworkPolicies, workloads (Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, Jobs, CronJobs), Services, cluster-scoped policies (AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy; see {@link ClusterPolicyManifests}) and Nodes as {@code kubectl get -o yaml} or {@code -o json}
 * prints them: single objects, multi-document YAML, and {@code kind: List} (or
 * {@code NetworkPolicyList} and the like) with {@code items}. Directories are read recursively
 * for {@code *.yaml}, {@code *.yml} and {@code *.json}, in name order.
 *
 * <p>A workload is what service edges name, as the collector resolves owners: a ReplicaSet a
 * Deployment controls and a Job a CronJob controls are skipped (their controller stands for
 * their pods), and a Pod is a workload of kind Pod only when no controller owns it.
 */
public final class ManifestReader {

  /** IANA_SVC_NAME, the form Kubernetes demands of a port name. */
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

  private final Set<ObjectKind> wanted;
  private final String wantedBy;
  private final List<NamespaceInfo> namespaces = new ArrayList<>();
  private final List<PodInfo> pods = new ArrayList<>();
  private final List<NetworkPolicy> policies = new ArrayList<>();
  private final List<ManifestContents.DualStackAddresses> otherAddresses = new ArrayList<>();
  private final List<InventoryWorkload> workloads = new ArrayList<>();
  private final List<InventoryService> services = new ArrayList<>();
  private final List<ClusterPolicy> clusterPolicies = new ArrayList<>();
  private final List<NodeInfo> nodes = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private ManifestReader(Set<ObjectKind> wanted, String wantedBy) {
    this.wanted = wanted;
    this.wantedBy = wantedBy;
  }

  /**
   * Reads every object of the {@code wanted} kinds from files and directories; other objects are
   * skipped with a warning.
   *
   * @param wantedBy what asked, for warnings (e.g. {@code --cluster})
   * @throws ManifestException naming file, line and field of the first thing that is wrong
   */
  public static ManifestContents read(List<Path> paths, Set<ObjectKind> wanted, String wantedBy) {
    ManifestReader reader = new ManifestReader(EnumSet.copyOf(wanted), wantedBy);
    for (Path path : paths) {
      for (Path file : files(path)) {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new ManifestException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
        reader.readText(file.toString(), text, file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"));
      }
    }
    return reader.contents();
  }

  /** Reads objects from text, as {@link #read} does from a file named {@code file}. */
  public static ManifestContents readText(String file, String text, boolean json, Set<ObjectKind> wanted) {
    ManifestReader reader = new ManifestReader(EnumSet.copyOf(wanted), "this input");
    reader.readText(file, text, json);
    return reader.contents();
  }

  private ManifestContents contents() {
    return new ManifestContents(namespaces, pods, policies, otherAddresses, workloads, services, warnings,
        clusterPolicies, nodes);
  }

  private static List<Path> files(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new ManifestException(path.toString(), 0, "no such file or directory");
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ManifestException(path.toString(), 0, "cannot list: " + e.getMessage());
    }
  }

  private void readText(String file, String text, boolean json) {
    for (ManifestDocument document : ManifestDocument.parse(file, text, json)) {
      readObject(document.top().object());
    }
  }

  private void readObject(ManifestNode object) {
    String kind = object.field("kind").text();
    if (kind == null) {
      throw object.error("has no kind: is this a Kubernetes object as kubectl get -o yaml prints it?");
    }
    if (kind.equals("List") || (kind.endsWith("List") && object.field("items").present())) {
      for (ManifestNode item : object.field("items").elements()) {
        readObject(item.object());
      }
      return;
    }
    ObjectKind known;
    try {
      known = ObjectKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      known = null;
    }
    if (known == null || !wanted.contains(known)) {
      String name = object.field("metadata").field("name").value() == null ? "" : " "
          + object.field("metadata").field("name").value().asText();
      ManifestException where = object.field("kind").error("");
      warnings.add(where.file() + " line " + where.line() + ": skipped " + kind + name + ": " + wantedBy
          + " reads " + String.join(", ", wanted.stream().map(Enum::name).toList()));
      return;
    }
    switch (known) {
      case Namespace -> namespaces.add(namespace(object));
      case Pod -> {
        PodInfo pod = pod(object);
        pods.add(pod);
        if (!controlled(object.field("metadata").object())) {
          workloads.add(checked(object, new InventoryWorkload(pod.namespace(), "Pod", pod.name(),
              LabelSelector.matchLabels(pod.labels()), pod.labels(), List.copyOf(pod.namedPorts().values()))));
        }
      }
      case NetworkPolicy -> policies.add(networkPolicy(object));
      case Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob -> workload(object, known);
      case Service -> services.add(service(object));
      case AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy ->
          clusterPolicies.add(ClusterPolicyManifests.clusterPolicy(object, known, warnings));
      case Node -> nodes.add(ClusterPolicyManifests.node(object));
    }
  }

  /** Whether a controller owns the object ({@code ownerReferences[].controller: true}). */
  private static boolean controlled(ManifestNode metadata) {
    for (ManifestNode owner : metadata.field("ownerReferences").elements()) {
      if (owner.object().field("controller").bool(false)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A controller as a workload: the selector it selects its pods by, its pod template's labels and
   * named container ports. A CronJob's are those of its job template.
   */
  private void workload(ManifestNode object, ObjectKind kind) {
    ManifestNode metadata = object.field("metadata").object();
    if ((kind == ObjectKind.ReplicaSet || kind == ObjectKind.Job) && controlled(metadata)) {
      return;
    }
    String name = metadata.field("name").requiredText();
    String namespace = namespaceOf(metadata);
    ManifestNode spec = object.field("spec").object();
    ManifestNode controllerSpec = kind == ObjectKind.CronJob ? spec.field("jobTemplate").object().field("spec").object() : spec;
    ManifestNode template = controllerSpec.field("template").object();
    if (!template.present()) {
      throw template.error("is missing: a " + kind + " runs pods from its template");
    }
    Map<String, String> podLabels = template.field("metadata").object().field("labels").stringMap();
    ManifestNode selectorField = controllerSpec.field("selector");
    LabelSelector selector;
    if (selectorField.present()) {
      selector = selector(selectorField);
      if (selector.selectsEverything() && kind != ObjectKind.Job && kind != ObjectKind.CronJob) {
        throw selectorField.error("is empty; a " + kind + " must select its pods by labels (the API server refuses {})");
      }
      if (!selector.matches(podLabels)) {
        throw selectorField.error(selector + " does not select the template's labels "
            + (podLabels.isEmpty() ? "(none)" : LabelSelector.matchLabels(podLabels).toString())
            + "; the API server refuses such a " + kind);
      }
    } else if (kind == ObjectKind.Job || kind == ObjectKind.CronJob) {
      // The Job controller makes up a selector of its own (controller-uid) when none is written;
      // the template's labels are what stays the same from one run to the next.
      selector = LabelSelector.matchLabels(podLabels);
    } else {
      throw selectorField.error("is missing: a " + kind + " (apps/v1) selects its pods with spec.selector");
    }
    workloads.add(checked(object, new InventoryWorkload(namespace, kind.name(), name, selector, podLabels,
        List.copyOf(namedPorts(template.field("spec").object()).values()))));
  }

  /** The workload, with a warning when nothing narrower than its whole namespace can select it. */
  private InventoryWorkload checked(ManifestNode object, InventoryWorkload workload) {
    if (workload.selector().selectsEverything()) {
      ManifestException where = object.field("metadata").error("");
      warnings.add(where.file() + " line " + where.line() + ": " + workload.kind() + " " + workload.namespace() + "/"
          + workload.name() + " has no pod labels: a policy can select its pods only with every pod of its namespace");
    }
    return workload;
  }

  /** A Service and the pod labels it selects; a headless or selector-less one is kept with an empty selector. */
  private static InventoryService service(ManifestNode object) {
    ManifestNode metadata = object.field("metadata").object();
    String name = metadata.field("name").requiredText();
    Map<String, String> selector = object.field("spec").object().field("selector").stringMap();
    return new InventoryService(namespaceOf(metadata), name, selector);
  }

  private static NamespaceInfo namespace(ManifestNode object) {
    ManifestNode metadata = object.field("metadata").object();
    return new NamespaceInfo(metadata.field("name").requiredText(), metadata.field("labels").stringMap());
  }

  private PodInfo pod(ManifestNode object) {
    ManifestNode metadata = object.field("metadata").object();
    String name = metadata.field("name").requiredText();
    String namespace = namespaceOf(metadata);
    Map<String, String> labels = metadata.field("labels").stringMap();
    ManifestNode spec = object.field("spec").object();
    boolean hostNetwork = spec.field("hostNetwork").bool(false);
    Map<String, ContainerPort> ports = namedPorts(spec);
    ManifestNode status = object.field("status").object();
    IpAddress ip = address(status.field("podIP"));
    for (ManifestNode entry : status.field("podIPs").elements()) {
      IpAddress other = address(entry.object().field("ip"));
      if (ip == null) {
        ip = other;
      } else if (other != null && !other.equals(ip)) {
        otherAddresses.add(new ManifestContents.DualStackAddresses(namespace, name, other));
      }
    }
    return new PodInfo(namespace, name, labels, ip, ports, hostNetwork);
  }

  /** The named container ports of a pod spec (containers and init containers), by name. */
  private static Map<String, ContainerPort> namedPorts(ManifestNode spec) {
    Map<String, ContainerPort> ports = new LinkedHashMap<>();
    for (String containers : List.of("containers", "initContainers")) {
      for (ManifestNode container : spec.field(containers).elements()) {
        for (ManifestNode port : container.object().field("ports").elements()) {
          String portName = port.object().field("name").text();
          if (portName == null) {
            continue;
          }
          int number = port.field("containerPort").integer(0);
          if (number < 1 || number > 65535) {
            throw port.field("containerPort").error("must be a port in 1..65535");
          }
          ports.put(portName, new ContainerPort(portName, number, protocol(port.field("protocol"))));
        }
      }
    }
    return ports;
  }

  private static IpAddress address(ManifestNode node) {
    String text = node.text();
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(e.getMessage());
    }
  }

  private static String namespaceOf(ManifestNode metadata) {
    String namespace = metadata.field("namespace").text();
    // kubectl prints the namespace; files written by hand often leave it to the default one.
    return namespace == null || namespace.isEmpty() ? "default" : namespace;
  }

  /** A NetworkPolicy from its manifest; the checks are those the API server makes. */
  static NetworkPolicy networkPolicy(ManifestNode object) {
    String apiVersion = object.field("apiVersion").text();
    if (apiVersion != null && !apiVersion.startsWith("networking.k8s.io/") && !apiVersion.startsWith("extensions/")) {
      throw object.field("apiVersion").error("\"" + apiVersion + "\" is not networking.k8s.io/v1");
    }
    ManifestNode metadata = object.field("metadata").object();
    String name = metadata.field("name").requiredText();
    String namespace = namespaceOf(metadata);
    ManifestNode spec = object.field("spec").object();
    LabelSelector podSelector = spec.field("podSelector").present() ? selector(spec.field("podSelector"))
        : LabelSelector.EVERYTHING;
    List<PolicyType> types = null;
    if (spec.field("policyTypes").present()) {
      types = new ArrayList<>();
      for (ManifestNode type : spec.field("policyTypes").elements()) {
        try {
          types.add(PolicyType.parse(type.requiredText()));
        } catch (IllegalArgumentException e) {
          throw type.error(e.getMessage());
        }
      }
    }
    List<PolicyRule> ingress = rules(spec.field("ingress"), "from");
    List<PolicyRule> egress = rules(spec.field("egress"), "to");
    return NetworkPolicy.of(namespace, name, podSelector, types, ingress, egress);
  }

  private static List<PolicyRule> rules(ManifestNode list, String peersField) {
    List<PolicyRule> rules = new ArrayList<>();
    for (ManifestNode rule : list.elements()) {
      rule.object();
      List<PolicyPeer> peers = new ArrayList<>();
      for (ManifestNode peer : rule.field(peersField).elements()) {
        peers.add(peer(peer.object()));
      }
      List<PolicyPort> ports = new ArrayList<>();
      for (ManifestNode port : rule.field("ports").elements()) {
        ports.add(port(port.object()));
      }
      rules.add(new PolicyRule(peers, ports));
    }
    return rules;
  }

  private static PolicyPeer peer(ManifestNode peer) {
    ManifestNode ipBlock = peer.field("ipBlock").object();
    ManifestNode podSelector = peer.field("podSelector").object();
    ManifestNode namespaceSelector = peer.field("namespaceSelector").object();
    if (ipBlock.present()) {
      if (podSelector.present() || namespaceSelector.present()) {
        throw peer.error("has an ipBlock and a selector; write them as two peers (each is allowed on its own)");
      }
      ManifestNode cidrField = ipBlock.field("cidr");
      Cidr cidr = cidr(cidrField);
      List<Cidr> except = new ArrayList<>();
      for (ManifestNode carved : ipBlock.field("except").elements()) {
        Cidr parsed = cidr(carved);
        if (parsed.version() != cidr.version() || !cidr.contains(parsed) || parsed.equals(cidr)) {
          throw carved.error("\"" + carved.value().asText() + "\" is not inside " + cidr
              + "; every except must be a strict subset of cidr");
        }
        except.add(parsed);
      }
      return new PolicyPeer.IpBlock(cidr, except);
    }
    if (!podSelector.present() && !namespaceSelector.present()) {
      if (podSelector.value() != null || namespaceSelector.value() != null) {
        // podSelector: null is how some tools print an absent field.
        throw peer.error("has a null selector; write {} to select everything");
      }
      throw peer.error("needs a podSelector, a namespaceSelector or an ipBlock");
    }
    return new PolicyPeer.Pods(
        namespaceSelector.present() ? selector(namespaceSelector) : null,
        podSelector.present() ? selector(podSelector) : null);
  }

  static Cidr cidr(ManifestNode node) {
    String text = node.requiredText();
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(e.getMessage());
    }
  }

  private static PolicyPort port(ManifestNode port) {
    Protocol protocol = protocol(port.field("protocol"));
    ManifestNode portField = port.field("port");
    ManifestNode endPortField = port.field("endPort");
    int endPort = endPortField.integer(0);
    if (!portField.present()) {
      if (endPortField.present()) {
        throw endPortField.error("needs a numeric port to start the range");
      }
      return PolicyPort.anyPort(protocol);
    }
    if (portField.value().isTextual()) {
      String name = portField.value().textValue();
      if (endPortField.present()) {
        throw endPortField.error("needs a numeric port, not the port name \"" + name + "\"");
      }
      if (!PORT_NAME.matcher(name).matches() || name.chars().noneMatch(c -> c >= 'a' && c <= 'z') || name.contains("--")) {
        throw portField.error("\"" + name + "\" is neither a port number nor a port name (up to 15 lower-case letters,"
            + " digits and dashes, with a letter)" + (name.chars().allMatch(Character::isDigit) ? "; write it without quotes" : ""));
      }
      return PolicyPort.named(protocol, name);
    }
    int number = portField.integer(0);
    if (number < 1 || number > 65535) {
      throw portField.error(number + " is not a port in 1..65535");
    }
    if (endPortField.present() && (endPort < number || endPort > 65535)) {
      throw endPortField.error(endPort + " must be in " + number + "..65535 (port is " + number + ")");
    }
    return new PolicyPort(protocol, null, number, endPort);
  }

  static Protocol protocol(ManifestNode node) {
    String text = node.text();
    if (text == null) {
      return Protocol.TCP;
    }
    // Kubernetes spells protocols in capitals and refuses anything else.
    for (Protocol protocol : Protocol.values()) {
      if (protocol.name().equals(text)) {
        return protocol;
      }
    }
    throw node.error("\"" + text + "\" is not TCP, UDP or SCTP");
  }

  static LabelSelector selector(ManifestNode selector) {
    selector.object();
    Map<String, String> labels = selector.field("matchLabels").stringMap();
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    for (ManifestNode expression : selector.field("matchExpressions").elements()) {
      expression.object();
      String key = expression.field("key").requiredText();
      LabelSelector.Operator operator;
      try {
        operator = LabelSelector.Operator.parse(expression.field("operator").requiredText());
      } catch (IllegalArgumentException e) {
        throw expression.field("operator").error(e.getMessage());
      }
      List<String> values = new ArrayList<>();
      for (ManifestNode value : expression.field("values").elements()) {
        String text = value.text();
        values.add(text == null ? "" : text);
      }
      try {
        requirements.add(new LabelSelector.Requirement(key, operator, Set.copyOf(values)));
      } catch (IllegalArgumentException e) {
        throw expression.field("values").error(e.getMessage());
      }
    }
    return new LabelSelector(labels, requirements);
  }
}
