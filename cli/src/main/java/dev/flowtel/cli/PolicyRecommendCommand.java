package dev.flowtel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowtel.console.history.HistoryPeriod;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestException;
import dev.flowtel.core.policy.recommend.BroadRule;
import dev.flowtel.core.policy.recommend.PolicyDiff;
import dev.flowtel.core.policy.recommend.PolicyManifestWriter;
import dev.flowtel.core.policy.recommend.PolicyRecommender;
import dev.flowtel.core.policy.recommend.RecommendOptions;
import dev.flowtel.core.policy.recommend.Recommendation;
import dev.flowtel.core.policy.recommend.RuleEvidence;
import dev.flowtel.core.policy.recommend.SkippedEdge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel policy recommend}: least-privilege NetworkPolicies for the traffic a period of
 * history observed, as YAML ready for {@code kubectl apply}, with every rule's evidence.
 */
@Command(name = "recommend", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {
        "Writes least-privilege NetworkPolicies (ingress and egress per workload) for the traffic Elasticsearch holds",
        "for the period: peers by their workloads' selector labels, ports and protocols as observed, DNS egress to the",
        "cluster DNS, external destinations as ipBlocks. Each rule carries its evidence (flows, bytes, first and last",
        "seen, sample peers) in the annotation flowtel.dev/evidence. Edges seen only during an anomaly of their source,",
        "and edges whose connections never got through, get no rule and are listed.",
        "Exit 0 when written, 1 when Elasticsearch could not be read, 2 on bad input."},
    footer = {"", "Example:",
        "  kubectl get namespaces,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs,pods,services -A -o yaml > cluster.yaml",
        "  ./flowtel policy recommend --cluster cluster.yaml --since 7d --out recommended/ --default-deny --report evidence.json"})
final class PolicyRecommendCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin
  PolicyHistoryOptions history;

  @Option(names = "--out", required = true, paramLabel = "<dir>",
      description = "Folder for the YAML: <namespace>/<workload>.yaml per workload (or <namespace>.yaml with --per-namespace).")
  Path out;

  @Option(names = "--per-namespace", description = "One file per namespace instead of one per workload.")
  boolean perNamespace;

  @Option(names = "--default-deny", description = "Also a default-deny policy (all ingress and egress) per namespace with workloads.")
  boolean defaultDeny;

  @Option(names = "--aggregate-above", defaultValue = "" + RecommendOptions.DEFAULT_AGGREGATE_ABOVE,
      description = "External addresses of one edge sharing a /24 (IPv4) or /64 (IPv6) become that prefix when more than this"
          + " many; otherwise each is its own /32 or /128. Exact addresses come from the flows topic (--bootstrap-servers);"
          + " from Elasticsearch an external peer is its address class.")
  int aggregateAbove;

  @Option(names = "--dns-namespace", defaultValue = "kube-system",
      description = "Namespace of the cluster DNS: edges to it on port 53 become one DNS egress rule.")
  String dnsNamespace;

  @Option(names = "--dns-labels", split = ",", paramLabel = "<key=value>", defaultValue = "k8s-app=kube-dns",
      description = "Labels of the cluster DNS pods (CoreDNS as kubeadm, kind, EKS, GKE and AKS label it by default).")
  Map<String, String> dnsLabels;

  @Option(names = "--diff", arity = "0..1", paramLabel = "<dir>", fallbackValue = "",
      description = "Compare with the policies in force in <dir> (or --policies-in-force): rules that would be added, and"
          + " rules in force that no observed traffic used.")
  String diff;

  @Option(names = "--report", paramLabel = "<file.json>",
      description = "The evidence of every rule, the broad rules and the edges left out, as JSON (and the diff with --diff).")
  Path report;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The clock the period ends at when --until is not given; tests fix it. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      HistoryPeriod period = history.period(clock);
      ManifestContents cluster = history.cluster(err);
      PolicySet inForce = null;
      if (diff != null) {
        inForce = diff.isEmpty() ? history.inForce(cluster, err)
            : PolicyHistoryOptions.policies(List.of(Path.of(diff)), "--diff", cluster, err);
        if (diff.isEmpty() && history.policiesInForce.isEmpty()) {
          throw new PolicyHistoryOptions.BadInput("--diff needs a folder of the policies in force, or --policies-in-force");
        }
      }
      PolicyHistoryOptions.History read = history.read(period);
      err.println(read.describe());
      ClusterInventory inventory = cluster.inventory();
      RecommendOptions options;
      try {
        options = RecommendOptions.defaults().withPerNamespace(perNamespace).withDefaultDeny(defaultDeny)
            .withAggregateAbove(aggregateAbove)
            .withDns(new RecommendOptions.DnsService(dnsNamespace, dnsLabels, RecommendOptions.DnsService.KUBE_DNS.ports()));
      } catch (IllegalArgumentException e) {
        throw new PolicyHistoryOptions.BadInput("--aggregate-above / --dns-labels: " + e.getMessage());
      }
      Recommendation recommendation = PolicyRecommender.recommend(read.edges(), inventory, read.anomalies(), options);
      List<Path> written = write(recommendation);
      PolicyDiff compared = inForce == null ? null : PolicyDiff.between(recommendation, inForce, inventory, read.edges());
      printTable(stdout, recommendation, written);
      if (compared != null) {
        printDiff(stdout, compared);
      }
      if (report != null) {
        writeReport(read, recommendation, compared);
        stdout.println("report: " + report);
      }
      stdout.flush();
      return 0;
    } catch (PolicyHistoryOptions.BadInput | ManifestException e) {
      return fail(stdout, err, e.getMessage(), PolicyExplainCommand.BAD_INPUT);
    } catch (PolicyHistoryOptions.Unreachable e) {
      return fail(stdout, err, e.getMessage(), PolicyHistoryOptions.UNREACHABLE);
    }
  }

  private static int fail(PrintWriter out, PrintWriter err, String message, int code) {
    out.flush();
    err.println("flowtel policy recommend: " + message);
    err.flush();
    return code;
  }

  private List<Path> write(Recommendation recommendation) {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, List<NetworkPolicy>> file : recommendation.files().entrySet()) {
      Path path = out.resolve(file.getKey());
      try {
        Files.createDirectories(path.getParent());
        Files.writeString(path, PolicyManifestWriter.writeAll(file.getValue(), recommendation), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new PolicyHistoryOptions.BadInput("--out: cannot write " + path + ": " + e.getMessage());
      }
      written.add(path);
    }
    return written;
  }

  /** The short table: one line per policy with its rules and the traffic behind them, then what was left out. */
  private static void printTable(PrintWriter out, Recommendation recommendation, List<Path> written) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"POLICY", "RULES", "FLOWS", "BYTES", "LAST SEEN"});
    for (NetworkPolicy policy : recommendation.policies()) {
      List<RuleEvidence> rules = recommendation.evidence(policy.id());
      long flows = rules.stream().mapToLong(RuleEvidence::flows).sum();
      long bytes = rules.stream().mapToLong(RuleEvidence::bytes).sum();
      String last = rules.stream().map(RuleEvidence::lastSeen).filter(java.util.Objects::nonNull).max(java.util.Comparator.naturalOrder())
          .map(Object::toString).orElse("-");
      rows.add(new String[] {policy.id(), Integer.toString(rules.size()), String.format(Locale.ROOT, "%,d", flows),
          String.format(Locale.ROOT, "%,d", bytes), last});
    }
    Tables.print(out, rows);
    out.println();
    out.println(recommendation.policies().size() + " policies in " + written.size() + " files, " + recommendation.evidence().size()
        + " rules, " + recommendation.broadRules().size() + " broad, " + recommendation.skipped().size() + " edges left out");
    for (BroadRule broad : recommendation.broadRules()) {
      out.println("  broad: " + broad.policy() + " " + broad.direction().fieldName() + "[" + broad.rule() + "]: " + broad.why());
    }
    for (SkippedEdge skipped : recommendation.skipped()) {
      out.println("  left out (" + skipped.reason() + "): " + skipped.observed().edge().key() + ": " + skipped.detail());
    }
  }

  private static void printDiff(PrintWriter out, PolicyDiff diff) {
    out.println();
    out.println("against the policies in force: " + diff.newPolicies().size() + " new policies, " + diff.added().size()
        + " rules to add, " + diff.unused().size() + " rules in force that no observed traffic used");
    for (PolicyDiff.AddedRule added : diff.added()) {
      out.println("  + " + added.policy() + " " + added.direction().fieldName() + "[" + added.index() + "]"
          + (added.evidence() == null ? "" : String.format(Locale.ROOT, " (%,d flows, %,d bytes)", added.evidence().flows(),
              added.evidence().bytes())));
    }
    for (PolicyDiff.UnusedRule unused : diff.unused()) {
      out.println("  - unused: " + unused.ref());
    }
  }

  private void writeReport(PolicyHistoryOptions.History read, Recommendation recommendation, PolicyDiff diff) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("period").put("since", read.period().since().toString()).put("until", read.period().until().toString())
        .put("windowSeconds", read.windowSize() == null ? 0 : read.windowSize().toSeconds())
        .put("edges", read.edges().size()).put("anomalies", read.anomalies().size());
    ArrayNode evidence = root.putArray("evidence");
    for (RuleEvidence e : recommendation.evidence()) {
      ObjectNode rule = evidence.addObject().put("policy", e.policy()).put("direction", e.direction().fieldName()).put("rule", e.rule())
          .put("flows", e.flows()).put("bytes", e.bytes())
          .put("firstSeen", e.firstSeen() == null ? null : e.firstSeen().toString())
          .put("lastSeen", e.lastSeen() == null ? null : e.lastSeen().toString());
      e.samplePeers().forEach(rule.putArray("samplePeers")::add);
      if (e.note() != null) {
        rule.put("note", e.note());
      }
    }
    ArrayNode broad = root.putArray("broadRules");
    for (BroadRule b : recommendation.broadRules()) {
      broad.addObject().put("policy", b.policy()).put("direction", b.direction().fieldName()).put("rule", b.rule()).put("why", b.why());
    }
    ArrayNode left = root.putArray("leftOut");
    for (SkippedEdge s : recommendation.skipped()) {
      left.addObject().put("edge", s.observed().edge().key()).put("reason", s.reason().name()).put("detail", s.detail())
          .put("flows", s.observed().flows()).put("bytes", s.observed().bytes())
          .put("firstSeen", s.observed().firstSeen().toString()).put("lastSeen", s.observed().lastSeen().toString());
    }
    if (diff != null) {
      ObjectNode d = root.putObject("diff");
      diff.newPolicies().forEach(d.putArray("newPolicies")::add);
      ArrayNode added = d.putArray("added");
      diff.added().forEach(a -> added.addObject().put("policy", a.policy()).put("direction", a.direction().fieldName())
          .put("rule", a.index()));
      ArrayNode unused = d.putArray("unused");
      diff.unused().forEach(u -> unused.addObject().put("policy", u.ref().policy()).put("direction", u.ref().type().fieldName())
          .put("rule", u.ref().index()));
    }
    try {
      if (report.toAbsolutePath().getParent() != null) {
        Files.createDirectories(report.toAbsolutePath().getParent());
      }
      JSON.writeValue(report.toFile(), root);
    } catch (IOException e) {
      throw new PolicyHistoryOptions.BadInput("--report: cannot write " + report + ": " + e.getMessage());
    }
  }
}
