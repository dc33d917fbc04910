package dev.flowtel.cli;

import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import dev.flowtel.sink.elasticsearch.index.SetupReport;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./flowtel es ...}: Elasticsearch chores; {@code es setup} installs Flowtel's templates. */
@Command(name = "es", mixinStandardHelpOptions = true, description = "Elasticsearch: install Flowtel's index templates.",
    subcommands = EsCommand.Setup.class)
final class EsCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Installs or upgrades templates and policies; idempotent. */
  @Command(name = "setup", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = {"Installs or upgrades Flowtel's component templates, index templates and (where the cluster",
          "has ILM) lifecycle policies for the traffic, anomalies and (with --flows) flows indices.",
          "Idempotent: a second run changes nothing and says so."})
  static final class Setup implements Callable<Integer> {

    @Option(names = "--url", defaultValue = ElasticsearchConnection.DEFAULT_URL,
        description = "Elasticsearch URL(s), comma-separated; https with --ca-cert for TLS.")
    String url;

    @Mixin
    ElasticsearchCredentials credentials;

    @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX,
        description = "Prefix of every index, template, alias and policy name.")
    String indexPrefix;

    @Option(names = "--shards", defaultValue = "1", description = "Primary shards per index.")
    int shards;

    @Option(names = "--replicas", defaultValue = "1", description = "Replicas per index (0 keeps a single-node cluster green).")
    int replicas;

    @Option(names = "--refresh-interval", defaultValue = "5s", description = "How soon written documents become searchable.")
    String refreshInterval;

    @Option(names = "--flows", description = "Also install the template for sampled raw flows (off by default).")
    boolean flows;

    @Option(names = "--traffic-retention", defaultValue = "30d", description = "With ILM: delete traffic indices this old.")
    String trafficRetention;

    @Option(names = "--anomaly-retention", defaultValue = "365d", description = "With ILM: delete anomaly indices this old.")
    String anomalyRetention;

    @Option(names = "--flow-retention", defaultValue = "3d", description = "With ILM: delete flow indices this old.")
    String flowRetention;

    @Override
    public Integer call() {
      ElasticsearchConnection connection = credentials.connection(url);
      IndexSettings settings = new IndexSettings(new IndexNames(indexPrefix), shards, replicas, refreshInterval, flows,
          trafficRetention, anomalyRetention, flowRetention);
      System.out.println("Setting up Flowtel indices on " + connection.describe());
      try (ElasticsearchClients clients = ElasticsearchClients.open(connection)) {
        SetupReport report = new IndexSetup(clients.rest(), settings).install();
        report.steps().forEach(step -> System.out.println("  " + step));
        System.out.println(report.summary());
      }
      return 0;
    }
  }
}
