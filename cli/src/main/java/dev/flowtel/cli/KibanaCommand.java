package dev.flowtel.cli;

import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.kibana.KibanaImport;
import dev.flowtel.sink.elasticsearch.kibana.KibanaSavedObjects;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./flowtel kibana ...}: Kibana chores; {@code kibana import} installs Flowtel's data views and dashboards. */
@Command(name = "kibana", mixinStandardHelpOptions = true, description = "Kibana: import Flowtel's data views and dashboards.",
    subcommands = KibanaCommand.Import.class)
final class KibanaCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Posts sinks/kibana/flowtel-saved-objects.ndjson to the saved-objects import API, overwriting earlier imports. */
  @Command(name = "import", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = {"Imports Flowtel's data views (traffic, anomalies) and dashboards (Service traffic, Policy anomalies,",
          "Policy enforcement) into Kibana 8 through its saved-objects import API. Importing again overwrites them."})
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
}
