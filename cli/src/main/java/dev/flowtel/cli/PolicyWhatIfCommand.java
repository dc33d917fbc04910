package dev.flowtel.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.flowtel.console.history.HistoryPeriod;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestException;
import dev.flowtel.core.policy.whatif.EdgeChange;
import dev.flowtel.core.policy.whatif.PolicyReplay;
import dev.flowtel.core.policy.whatif.ReplayReport;
import dev.flowtel.core.policy.whatif.WorkloadTotals;
import dev.flowtel.sink.elasticsearch.document.Ecs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
 * {@code ./flowtel policy what-if}: the observed history replayed against a proposed policy set,
 * edge by edge: what it would newly deny (with the traffic that would have been cut), newly allow,
 * or leave as it is. A CI gate with {@code --fail-on-new-denies}.
 */
@Command(name = "what-if", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {
        "Replays the service edges Elasticsearch holds for the period through the policy engine, against the policies in",
        "force and against a proposed set, and reports per edge what the proposal changes: newly denied (with flows, bytes",
        "and last seen), newly allowed, unchanged, or undetermined (an end the --cluster does not know).",
        "Exit 0 when replayed, 3 with --fail-on-new-denies when the proposal denies traffic allowed today,",
        "1 when Elasticsearch could not be read, 2 on bad input."},
    footer = {"", "Example:",
        "  ./flowtel policy what-if --cluster cluster.yaml --policies-in-force live-policies.yaml --policies proposed/ \\",
        "      --since 7d --fail-on-new-denies"})
final class PolicyWhatIfCommand implements Callable<Integer> {

  /** Exit code of --fail-on-new-denies when the proposal newly denies an edge. */
  static final int NEW_DENIES = 3;

  private static final JsonFactory JSON = new JsonFactory();

  @Mixin
  PolicyHistoryOptions history;

  @Option(names = "--policies", split = ",", required = true, paramLabel = "<file or dir>",
      description = "The proposed policies: the whole set that would be in force, NetworkPolicies and cluster-scoped"
          + " (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) alike (YAML, JSON, kind List; folders recursively).")
  List<Path> policies = new ArrayList<>();

  @Option(names = "--output", defaultValue = "table",
      description = "table (changed edges, then totals per workload) or json (every edge, its change and deciding rules).")
  Output output;

  @Option(names = "--fail-on-new-denies", description = "Exit 3 when any edge allowed today would be denied.")
  boolean failOnNewDenies;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The clock the period ends at when --until is not given; tests fix it. */
  Clock clock = Clock.systemUTC();

  enum Output { table, json }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      HistoryPeriod period = history.period(clock);
      ManifestContents cluster = history.cluster(err);
      PolicySet current = history.inForce(cluster, err);
      PolicySet proposed = PolicyHistoryOptions.policies(policies, "--policies", cluster, err);
      PolicyHistoryOptions.History read = history.read(period);
      err.println(read.describe());
      ReplayReport report = PolicyReplay.replay(read.edges(), cluster.inventory(), current, proposed);
      if (output == Output.json) {
        printJson(out, read, report);
      } else {
        printTable(out, report);
      }
      out.flush();
      return failOnNewDenies && report.hasNewDenies() ? NEW_DENIES : 0;
    } catch (PolicyHistoryOptions.BadInput | ManifestException e) {
      return fail(out, err, e.getMessage(), PolicyExplainCommand.BAD_INPUT);
    } catch (PolicyHistoryOptions.Unreachable e) {
      return fail(out, err, e.getMessage(), PolicyHistoryOptions.UNREACHABLE);
    }
  }

  private static int fail(PrintWriter out, PrintWriter err, String message, int code) {
    out.flush();
    err.println("flowtel policy what-if: " + message);
    err.flush();
    return code;
  }

  /** Port and protocol as a reader writes them: {@code tcp/8080}, {@code tcp/*} for failed attempts on many ports. */
  static String port(EdgeChange change) {
    return Ecs.transport(change.protocol()) + "/" + (change.port() < 0 ? "*" : Integer.toString(change.port()));
  }

  /** Edges whose verdict changes (newly denied first, most bytes first) or cannot be given; then the counts and the workloads hit. */
  private static void printTable(PrintWriter out, ReplayReport report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CHANGE", "FROM", "TO", "PORT", "FLOWS", "BYTES", "LAST SEEN", "WHY"});
    for (EdgeChange c : report.changes()) {
      if (c.change() == EdgeChange.Change.STILL_ALLOWED || c.change() == EdgeChange.Change.STILL_DENIED) {
        continue;
      }
      rows.add(new String[] {c.change().name(), c.source(), c.destination(), port(c), String.format(Locale.ROOT, "%,d", c.flows()),
          String.format(Locale.ROOT, "%,d", c.bytes()), c.lastSeen() == null ? "-" : c.lastSeen().toString(), why(c)});
    }
    if (rows.size() > 1) {
      Tables.print(out, rows);
      out.println();
    }
    Map<EdgeChange.Change, Long> counts = report.counts();
    out.println(report.changes().size() + " edges: " + counts.get(EdgeChange.Change.NEWLY_DENIED) + " newly denied, "
        + counts.get(EdgeChange.Change.NEWLY_ALLOWED) + " newly allowed, " + counts.get(EdgeChange.Change.STILL_ALLOWED)
        + " still allowed, " + counts.get(EdgeChange.Change.STILL_DENIED) + " still denied, "
        + counts.get(EdgeChange.Change.UNDETERMINED) + " undetermined");
    List<WorkloadTotals> hit = report.totalsByWorkload().stream().filter(t -> t.newlyDenied() > 0).toList();
    if (!hit.isEmpty()) {
      out.println();
      List<String[]> totals = new ArrayList<>();
      totals.add(new String[] {"WORKLOAD", "NEWLY DENIED EDGES", "FLOWS", "BYTES"});
      for (WorkloadTotals t : hit) {
        totals.add(new String[] {t.workload(), Long.toString(t.newlyDenied()), String.format(Locale.ROOT, "%,d", t.newlyDeniedFlows()),
            String.format(Locale.ROOT, "%,d", t.newlyDeniedBytes())});
      }
      Tables.print(out, totals);
    }
  }

  private static String why(EdgeChange c) {
    if (!c.denyingPolicies().isEmpty()) {
      return "isolated by " + String.join(", ", c.denyingPolicies());
    }
    if (!c.decidingRules().isEmpty()) {
      return "allowed by " + String.join(", ", c.decidingRules().stream().map(RuleRef::toString).toList());
    }
    return c.explanation() == null ? "" : c.explanation();
  }

  private static void printJson(PrintWriter out, PolicyHistoryOptions.History read, ReplayReport report) {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      json.writeStringField("since", read.period().since().toString());
      json.writeStringField("until", read.period().until().toString());
      json.writeObjectFieldStart("counts");
      for (Map.Entry<EdgeChange.Change, Long> count : report.counts().entrySet()) {
        json.writeNumberField(count.getKey().name(), count.getValue());
      }
      json.writeEndObject();
      json.writeArrayFieldStart("edges");
      for (EdgeChange c : report.changes()) {
        json.writeStartObject();
        json.writeStringField("change", c.change().name());
        json.writeStringField("from", c.source());
        json.writeStringField("to", c.destination());
        json.writeNumberField("port", c.port());
        json.writeStringField("transport", Ecs.transport(c.protocol()));
        json.writeNumberField("flows", c.flows());
        json.writeNumberField("bytes", c.bytes());
        json.writeStringField("lastSeen", c.lastSeen() == null ? null : c.lastSeen().toString());
        json.writeArrayFieldStart("decidingRules");
        for (RuleRef rule : c.decidingRules()) {
          json.writeString(rule.toString());
        }
        json.writeEndArray();
        json.writeArrayFieldStart("denyingPolicies");
        for (String policy : c.denyingPolicies()) {
          json.writeString(policy);
        }
        json.writeEndArray();
        json.writeStringField("explanation", c.explanation());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("workloads");
      for (WorkloadTotals t : report.totalsByWorkload()) {
        json.writeStartObject();
        json.writeStringField("workload", t.workload());
        json.writeNumberField("newlyDenied", t.newlyDenied());
        json.writeNumberField("newlyAllowed", t.newlyAllowed());
        json.writeNumberField("stillAllowed", t.stillAllowed());
        json.writeNumberField("stillDenied", t.stillDenied());
        json.writeNumberField("undetermined", t.undetermined());
        json.writeNumberField("newlyDeniedFlows", t.newlyDeniedFlows());
        json.writeNumberField("newlyDeniedBytes", t.newlyDeniedBytes());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
