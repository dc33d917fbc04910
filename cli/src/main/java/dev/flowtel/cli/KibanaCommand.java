package dev.flowtel.cli;

import dev.flowtel.console.kibana.PanelCheck;
import dev.flowtel.console.kibana.PanelResult;
import dev.flowtel.console.query.ConsoleRange;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.kibana.KibanaImport;
import dev.flowtel.sink.elasticsearch.kibana.KibanaSavedObjects;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.elasticsearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./flowtel kibana ...}: Kibana chores; {@code kibana import} installs Flowtel's data views and dashboards. */
@Command(name = "kibana", mixinStandardHelpOptions = true,
    description = "Kibana: import Flowtel's data views and dashboards; verify their panels against the data.",
    subcommands = {KibanaCommand.Import.class, KibanaCommand.Verify.class})
final class KibanaCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Posts every sinks/kibana/*.ndjson file to the saved-objects import API, overwriting earlier imports. */
  @Command(name = "import", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = {"Imports Flowtel's data views (traffic, anomalies, staged verdicts, DNS) and dashboards (Service traffic,",
          "Policy anomalies, Policy enforcement, Flowtel \u2014 staged policies, Flowtel \u2014 DNS) into Kibana 8 through its",
          "saved-objects import API. Importing again overwrites them."})
  static final class Import implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:5601", description = "Kibana URL.")
    String url;

    @Mixin
    ElasticsearchCredentials credentials;

    @Option(names = "--space", description = "Kibana space to import into (default: the default space).")
    String space;

    @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX,
        description = "Index prefix given to es setup; the data views are rewritten to match it.")
    String indexPrefix;

    @Override
    public Integer call() throws IOException, InterruptedException {
      ElasticsearchConnection auth = credentials.connection(url);
      KibanaImport kibana = new KibanaImport(URI.create(url), auth.authorizationHeader(),
          auth.caCertificate() == null ? null : ElasticsearchConnection.sslContextTrusting(Path.of(auth.caCertificate())));
      KibanaImport.Result result = kibana.importObjects(KibanaSavedObjects.ndjsonFor(new IndexNames(indexPrefix)), space);
      if (!result.success()) {
        System.err.println("Kibana imported " + result.successCount() + " object(s) and refused others: " + result.errors());
        return 1;
      }
      System.out.println("Imported " + result.successCount() + " saved objects into Kibana at " + url
          + "; open Dashboards and search for \"Flowtel\" or the dashboard names.");
      return 0;
    }
  }

  /**
   * Runs the request of every shipped panel against Elasticsearch (no Kibana needed) and compares
   * its numbers with the console's for the same range: a panel that shows nothing on data that
   * has it, or another figure, fails the command.
   */
  @Command(name = "verify", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = {"Runs the Elasticsearch request of every shipped Kibana visualization and saved search over a range",
          "and checks it returns data equal to the console's figure for that range. Exit 0 when every panel passes, 1 otherwise."})
  static final class Verify implements Callable<Integer> {

    @Option(names = "--es-url", defaultValue = ElasticsearchConnection.DEFAULT_URL, description = "Elasticsearch URL(s), comma-separated.")
    String elasticsearchUrl;

    @Mixin
    ElasticsearchCredentials credentials;

    @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX, description = "Prefix the sink writes indices with.")
    String indexPrefix;

    @Option(names = "--range", defaultValue = "15m",
        description = "live or 15m: the ranges the console reads at the base windows, as the panels do.")
    String range;

    @Option(names = "--anomaly-cooldown", defaultValue = "5m", converter = DurationOption.class,
        description = "The detection's cooldown, as given to the console.")
    Duration anomalyCooldown;

    @Option(names = "--end", paramLabel = "<instant>",
        description = {"Where the range ends, e.g. 2026-12-05T09:30:00Z (default: now). Both sides read one point in time",
            "of Elasticsearch, so a pipeline that is writing meanwhile changes neither."})
    Instant end;

    @Override
    public Integer call() throws IOException {
      ElasticsearchConnection connection = credentials.connection(elasticsearchUrl);
      try (RestClient rest = connection.restClient()) {
        List<PanelResult> results = new PanelCheck(new ElasticsearchSearch(rest), new IndexNames(indexPrefix), anomalyCooldown)
            .run(ConsoleRange.of(range), end == null ? Instant.now() : end);
        for (PanelResult result : results) {
          System.out.printf("%-6s %-40s %s%n", result.passed() ? "ok" : "FAILED", result.id(),
              (result.returnedData() ? "" : "returned no data; ") + result.detail());
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        System.out.println(failed == 0 ? "Every one of the " + results.size() + " panels returned data equal to the console's."
            : failed + " of " + results.size() + " panels failed.");
        return failed == 0 ? 0 : 1;
      }
    }
  }
}
