package dev.flowtel.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.flowtel.core.policy.DirectionVerdict;
import dev.flowtel.core.policy.ExternalPeer;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.Peer;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.ClusterRuleRef;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestException;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel policy explain}: whether Kubernetes NetworkPolicies and the cluster-scoped
 * policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) allow given
 * connections, and which tier, policy and rule decide it, from manifests as
 * {@code kubectl get -o yaml} prints them.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = {
        "Judges connections against NetworkPolicies, AdminNetworkPolicies, the BaselineAdminNetworkPolicy and",
        "ClusterNetworkPolicies with Kubernetes semantics and says why: egress at the source pod, ingress at the",
        "destination pod, with the deciding tier (admin, network-policy, baseline), policies and rules.",
        "Exit 0 when every connection was judged (allowed or not), 2 on bad input."},
    footer = {"", "Examples:",
        "  ./flowtel policy explain --cluster cluster/ --policies policies/ --connections conns.jsonl",
        "  ./flowtel policy explain --cluster cluster.yaml --policies np.yaml --from x/a --to y/b --port 80",
        "A connections line: {\"from\":\"x/a\",\"to\":\"y/b\",\"port\":80,\"protocol\":\"TCP\"}; from/to are",
        "namespace/pod or an IP, port a number or a container port name of the destination pod."})
final class PolicyExplainCommand implements Callable<Integer> {

  /** Exit code for input that could not be read: files, lines, options. */
  static final int BAD_INPUT = 2;

  private static final JsonFactory JSON = new JsonFactory();

  @Option(names = "--cluster", split = ",", paramLabel = "<file or dir>",
      description = "Namespaces, Pods (labels, status.podIP, named container ports) and Nodes (labels, status.addresses,"
          + " for the nodes peers of cluster-scoped policies) as kubectl get -o yaml|json prints them.")
  List<Path> cluster = new ArrayList<>();

  @Option(names = "--policies", split = ",", required = true, paramLabel = "<file or dir>",
      description = "NetworkPolicies, AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies (YAML,"
          + " multi-document YAML, JSON, kind List); directories are read recursively.")
  List<Path> policies = new ArrayList<>();

  @Option(names = "--connections", paramLabel = "<file.jsonl>",
      description = "One JSON connection per line: {\"from\":\"x/a\",\"to\":\"y/b\",\"port\":80,\"protocol\":\"TCP\"}.")
  Path connections;

  @Option(names = "--from", paramLabel = "<ns/pod|IP>", description = "Source of a single connection.")
  String from;

  @Option(names = "--to", paramLabel = "<ns/pod|IP>", description = "Destination of a single connection.")
  String to;

  @Option(names = "--port", paramLabel = "<number|name>",
      description = "Destination port of a single connection: a number, or a container port name of the destination pod.")
  String port;

  @Option(names = "--protocol", defaultValue = "TCP", description = "Protocol of a single connection: TCP, UDP or SCTP.")
  String protocol;

  @Option(names = "--output", defaultValue = "table",
      description = "table (readable) or json (one object per connection, in input order).")
  Output output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  enum Output { table, json }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      checkOptions();
      // Cluster and policies are parsed side by side: parsing dominates a cold JVM's run.
      CompletableFuture<ManifestContents> clusterRead = CompletableFuture.supplyAsync(
          () -> ManifestReader.read(cluster, EnumSet.of(ObjectKind.Namespace, ObjectKind.Pod, ObjectKind.Node), "--cluster"));
      EnumSet<ObjectKind> policyKinds = EnumSet.of(ObjectKind.NetworkPolicy);
      policyKinds.addAll(ObjectKind.CLUSTER_POLICIES);
      ManifestContents policyObjects = ManifestReader.read(policies, policyKinds, "--policies");
      ManifestContents clusterObjects = join(clusterRead);
      clusterObjects.warnings().forEach(w -> err.println("warning: " + w));
      policyObjects.warnings().forEach(w -> err.println("warning: " + w));
      Directory directory = new Directory(clusterObjects);
      PolicyEngine engine = PolicyEngine.of(PolicySet.of(clusterObjects.namespaces(), policyObjects.policies(),
          policyObjects.clusterPolicies(), clusterObjects.nodes()));
      List<Judged> judged = new ArrayList<>();
      for (Connection connection : connections == null ? List.of(single()) : readConnections(connections)) {
        judged.add(judge(engine, directory, connection));
      }
      if (output == Output.json) {
        printJson(out, judged);
      } else {
        printTable(out, judged);
      }
      out.flush();
      return 0;
    } catch (BadInput | ManifestException e) {
      out.flush();
      err.println("flowtel policy explain: " + e.getMessage());
      err.flush();
      return BAD_INPUT;
    }
  }

  private static ManifestContents join(CompletableFuture<ManifestContents> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void checkOptions() {
    boolean single = from != null || to != null || port != null;
    if (connections != null && single) {
      throw new BadInput("give either --connections or --from/--to/--port, not both");
    }
    if (connections == null && (from == null || to == null || port == null)) {
      throw new BadInput("give --connections <file.jsonl>, or all of --from, --to and --port");
    }
  }

  /** A connection as written, and where: {@code where} prefixes every error about it. */
  private record Connection(String where, String from, String to, String port, String protocol) {}

  private record Judged(Connection connection, Peer source, Peer destination, Protocol protocol, int port,
      String portName, PolicyVerdict verdict) {}

  private Connection single() {
    return new Connection("--from/--to/--port", from, to, port, protocol);
  }

  private static List<Connection> readConnections(Path file) {
    List<Connection> read = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          read.add(connection(line, file + " line " + number));
        }
      }
    } catch (IOException e) {
      throw new BadInput(file + ": cannot read: " + e.getMessage());
    }
    return read;
  }

  /** One connections line, read with the streaming parser: no ObjectMapper to warm up. */
  private static Connection connection(String line, String where) {
    Map<String, String> fields = new HashMap<>(8);
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new BadInput(where + ": not a JSON object like {\"from\":\"x/a\",\"to\":\"y/b\",\"port\":80}");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          throw new BadInput(where + ": \"" + name + "\" must be a string or a number");
        }
        boolean portField = name.equals("port");
        if (value == JsonToken.VALUE_NUMBER_INT && portField || value == JsonToken.VALUE_STRING) {
          fields.put(name, parser.getText());
        } else if (value != JsonToken.VALUE_NULL) {
          throw new BadInput(where + ": \"" + name + "\" must be " + (portField ? "a number or a port name" : "a string")
              + ", not " + parser.getText());
        }
      }
      if (parser.nextToken() != null) {
        throw new BadInput(where + ": one JSON object per line, and nothing after it");
      }
    } catch (JsonProcessingException e) {
      throw new BadInput(where + ": not a JSON object: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInput(where + ": " + e.getMessage());
    }
    for (String required : List.of("from", "to", "port")) {
      if (!fields.containsKey(required)) {
        throw new BadInput(where + ": \"" + required + "\" is missing");
      }
    }
    return new Connection(where, fields.get("from"), fields.get("to"), fields.get("port"),
        fields.getOrDefault("protocol", "TCP"));
  }

  private static Judged judge(PolicyEngine engine, Directory directory, Connection connection) {
    String where = connection.where();
    Protocol protocol;
    try {
      protocol = Protocol.parse(connection.protocol());
    } catch (IllegalArgumentException e) {
      throw new BadInput(where + ": " + e.getMessage());
    }
    Peer source = directory.peer(connection.from(), where + ": \"from\"");
    Peer destination = directory.peer(connection.to(), where + ": \"to\"");
    String portText = connection.port().trim();
    int number;
    String portName = null;
    if (!portText.isEmpty() && portText.chars().allMatch(Character::isDigit)) {
      number = portText.length() > 5 ? -1 : Integer.parseInt(portText);
      if (number < 1 || number > 65535) {
        throw new BadInput(where + ": port " + portText + " is not in 1..65535");
      }
    } else {
      portName = portText;
      try {
        number = PolicyEngine.resolvePort(destination, protocol, portText);
      } catch (IllegalArgumentException e) {
        throw new BadInput(where + ": " + e.getMessage());
      }
    }
    return new Judged(connection, source, destination, protocol, number, portName,
        engine.evaluate(source, destination, protocol, number));
  }

  private static void printJson(PrintWriter out, List<Judged> judged) {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(new SerializedString("\n"));
      for (Judged j : judged) {
        json.writeStartObject();
        json.writeStringField("from", j.connection().from());
        json.writeStringField("to", j.connection().to());
        json.writeNumberField("port", j.port());
        if (j.portName() != null) {
          json.writeStringField("portName", j.portName());
        }
        json.writeStringField("protocol", j.protocol().name());
        json.writeBooleanField("allowed", j.verdict().allowed());
        json.writeStringField("explanation", j.verdict().explain());
        direction(json, "egress", j.verdict().egress());
        direction(json, "ingress", j.verdict().ingress());
        json.writeEndObject();
      }
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void direction(JsonGenerator json, String field, DirectionVerdict verdict) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeBooleanField("allowed", verdict.allowed());
    json.writeStringField("outcome", verdict.outcome().name());
    json.writeStringField("tier", verdict.decidingTier());
    json.writeBooleanField("isolated", verdict.isolated());
    json.writeArrayFieldStart("isolatingPolicies");
    for (String policy : verdict.isolatingPolicies()) {
      json.writeString(policy);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("allowingRules");
    for (RuleRef rule : verdict.allowingRules()) {
      json.writeStartObject();
      json.writeStringField("policy", rule.policy());
      json.writeNumberField("rule", rule.index());
      json.writeEndObject();
    }
    json.writeEndArray();
    clusterRule(json, "decidedBy", verdict.decidedBy());
    clusterRule(json, "passedBy", verdict.passedBy());
    json.writeStringField("explanation", verdict.explain());
    json.writeEndObject();
  }

  /** A cluster-scoped rule as an object (policy, kind/name; rule, its index; ruleName; action; tier; priority), or nothing. */
  private static void clusterRule(JsonGenerator json, String field, ClusterRuleRef rule) throws IOException {
    if (rule == null) {
      return;
    }
    json.writeObjectFieldStart(field);
    json.writeStringField("tier", rule.tier().name().toLowerCase(java.util.Locale.ROOT));
    json.writeStringField("policy", rule.policy());
    json.writeNumberField("priority", rule.priority());
    json.writeNumberField("rule", rule.index());
    json.writeStringField("ruleName", rule.ruleName());
    json.writeStringField("action", rule.action().name());
    json.writeEndObject();
  }

  private static void printTable(PrintWriter out, List<Judged> judged) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"FROM", "TO", "PORT", "VERDICT", "EGRESS (source)", "INGRESS (destination)"});
    int allowed = 0;
    for (Judged j : judged) {
      allowed += j.verdict().allowed() ? 1 : 0;
      rows.add(new String[] {
          label(j.connection().from(), j.source()),
          label(j.connection().to(), j.destination()),
          j.protocol() + "/" + j.port() + (j.portName() == null ? "" : " (" + j.portName() + ")"),
          j.verdict().allowed() ? "allowed" : "DENIED",
          summary(j.verdict().egress()),
          summary(j.verdict().ingress())});
    }
    Tables.print(out, rows);
    out.println();
    out.println(judged.size() + (judged.size() == 1 ? " connection: " : " connections: ") + allowed + " allowed, "
        + (judged.size() - allowed) + " denied");
  }

  /** An IP that is a pod's address is shown with the pod, so a reader sees what the policies saw. */
  private static String label(String written, Peer peer) {
    return peer instanceof PodInfo pod && !written.equals(pod.display()) ? written + " (" + pod.display() + ")" : written;
  }

  /** The table's short form of a direction; --output json has the full sentence. */
  private static String summary(DirectionVerdict verdict) {
    String decided = switch (verdict.outcome()) {
      case NOT_A_POD -> "not a pod";
      case HOST_NETWORK -> "host network";
      case NOT_ISOLATED -> "not isolated";
      case ALLOWED -> "allowed by " + String.join(", ", verdict.allowingRules().stream().map(RuleRef::toString).toList());
      case DENIED -> "DENIED: isolated by " + String.join(", ", verdict.isolatingPolicies()) + ", no rule allows";
      case ADMIN_ALLOWED, BASELINE_ALLOWED -> verdict.decidingTier() + " tier: allowed by " + shortRule(verdict.decidedBy());
      case ADMIN_DENIED, BASELINE_DENIED -> verdict.decidingTier() + " tier: DENIED by " + shortRule(verdict.decidedBy());
    };
    return decided + (verdict.passedBy() == null ? "" : " (admin tier passed: " + shortRule(verdict.passedBy()) + ")");
  }

  private static String shortRule(ClusterRuleRef rule) {
    return rule.policy() + " " + rule.type().fieldName() + "[" + rule.index() + "]"
        + (rule.ruleName().isEmpty() ? "" : " \"" + rule.ruleName() + "\"");
  }

  /** The pods of --cluster, by namespace/name and by every address. */
  private static final class Directory {
    private final Map<String, PodInfo> byName = new HashMap<>();
    private final Map<IpAddress, PodInfo> byAddress = new HashMap<>();

    Directory(ManifestContents contents) {
      for (PodInfo pod : contents.pods()) {
        byName.put(pod.display(), pod);
        if (pod.ip() != null && !pod.hostNetwork()) {
          byAddress.put(pod.ip(), pod);
        }
      }
      for (ManifestContents.DualStackAddresses other : contents.otherPodAddresses()) {
        PodInfo pod = byName.get(other.namespace() + "/" + other.pod());
        if (pod != null && !pod.hostNetwork()) {
          byAddress.put(other.ip(), new PodInfo(pod.namespace(), pod.name(), pod.labels(), other.ip(), pod.namedPorts(), false));
        }
      }
    }

    /** {@code ns/pod} must be in --cluster; an IP is its pod when one has it, else an address outside the cluster. */
    Peer peer(String text, String where) {
      String value = text.trim();
      int slash = value.indexOf('/');
      if (slash > 0 && slash == value.lastIndexOf('/') && value.indexOf(':') < 0) {
        PodInfo pod = byName.get(value);
        if (pod == null) {
          throw new BadInput(where + " " + value + ": no such pod in --cluster"
              + (byName.isEmpty() ? " (--cluster gave no pods)" : ""));
        }
        return pod;
      }
      IpAddress address;
      try {
        address = IpAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new BadInput(where + " \"" + text + "\" is neither namespace/pod nor an IP address");
      }
      PodInfo pod = byAddress.get(address);
      return pod != null ? pod : new ExternalPeer(address);
    }
  }

  /** Input that cannot be judged; its message names file and line or the option. */
  private static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }
}
