package dev.flowtel.cli;

import dev.flowtel.console.history.AnomalyHistoryQuery;
import dev.flowtel.console.history.HistoryPeriod;
import dev.flowtel.console.history.TopicHistory;
import dev.flowtel.console.history.TrafficHistoryQuery;
import dev.flowtel.console.query.ElasticsearchSearch;
import dev.flowtel.core.config.Durations;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.manifest.ManifestContents;
import dev.flowtel.core.policy.manifest.ManifestReader;
import dev.flowtel.core.policy.manifest.ObjectKind;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchCredentials;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.kafka.KafkaClientProperties;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.elasticsearch.client.RestClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options {@code policy recommend} and {@code policy what-if} share, declared once: where the
 * history is (Elasticsearch, or the Kafka topics with --bootstrap-servers; the period), the cluster it
 * happened in, and the policies in force.
 */
final class PolicyHistoryOptions {

  /** Exit code when Elasticsearch could not be read. */
  static final int UNREACHABLE = 1;

  @Option(names = "--es-url", defaultValue = ElasticsearchConnection.DEFAULT_URL,
      description = "Elasticsearch the sink writes to: URL(s), comma-separated; https with --ca-cert for TLS.")
  String elasticsearchUrl;

  @Mixin
  ElasticsearchCredentials credentials;

  @Option(names = "--index-prefix", defaultValue = IndexNames.DEFAULT_PREFIX, description = "Prefix the sink writes indices with.")
  String indexPrefix;

  @Option(names = "--bootstrap-servers", paramLabel = "<host:port>",
      description = "Read the history from the pipeline's Kafka topics instead of Elasticsearch: ServiceTraffic, anomalies,"
          + " and the flows topic for the exact addresses of external peers (ipBlocks of /32 instead of address classes).")
  String bootstrapServers;

  @Option(names = "--kafka-properties", paramLabel = "<file>",
      description = "Kafka client properties (TLS, SASL) for --bootstrap-servers.")
  Path kafkaProperties;

  @Option(names = "--traffic-topic", defaultValue = FlowtelTopics.SERVICE_TRAFFIC, description = "With --bootstrap-servers: the ServiceTraffic topic.")
  String trafficTopic;

  @Option(names = "--anomalies-topic", defaultValue = FlowtelTopics.ANOMALIES, description = "With --bootstrap-servers: the anomalies topic.")
  String anomaliesTopic;

  @Option(names = "--flows-topic", defaultValue = FlowtelTopics.FLOWS,
      description = "With --bootstrap-servers: the flows topic read for external addresses; \"none\" to skip it (its retention is"
          + " shorter than the traffic topic's, and reading it costs a pass over every flow of the period).")
  String flowsTopic;

  @Option(names = "--since", defaultValue = "7d", paramLabel = "<duration|instant>",
      description = "Start of the history: a duration before --until (7d, 24h, 90m) or an instant (2026-11-20T00:00:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "<duration|instant>",
      description = "End of the history (excluded): an instant, or a duration before now. Default: now.")
  String until;

  @Option(names = "--cluster", split = ",", required = true, paramLabel = "<file or dir>",
      description = "Namespaces, workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, bare Pods)"
          + " and Services as kubectl get -o yaml|json prints them: what turns edge ends into labels; Nodes too when"
          + " cluster-scoped policies select nodes.")
  List<Path> cluster = new ArrayList<>();

  @Option(names = "--policies-in-force", split = ",", paramLabel = "<file or dir>",
      description = "The policies the cluster runs today: NetworkPolicies (kubectl get networkpolicies -A -o yaml) and any"
          + " AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies. Default: none.")
  List<Path> policiesInForce = new ArrayList<>();

  /** The period asked for, ending at --until (or now). */
  HistoryPeriod period(Clock clock) {
    Instant end = until == null ? clock.instant() : instant(until, clock.instant(), "--until");
    Instant start = instant(since, end, "--since");
    if (!start.isBefore(end)) {
      throw new BadInput("--since " + since + " is not before --until " + (until == null ? "(now)" : until));
    }
    return new HistoryPeriod(start, end);
  }

  /** An ISO instant, or a duration before {@code from}. */
  private static Instant instant(String text, Instant from, String option) {
    if (text.contains("T") && !text.startsWith("P")) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new BadInput(option + " \"" + text + "\" is not an instant like 2026-11-20T00:00:00Z");
      }
    }
    try {
      Duration ago = Durations.parse(text);
      return from.minus(ago);
    } catch (IllegalArgumentException e) {
      throw new BadInput(option + " \"" + text + "\" is neither a duration (7d, 24h) nor an instant (2026-11-20T00:00:00Z): "
          + e.getMessage());
    }
  }

  /** The --cluster manifests; warnings about skipped objects go to {@code err}. */
  ManifestContents cluster(PrintWriter err) {
    Set<ObjectKind> kinds = EnumSet.copyOf(ObjectKind.inventory());
    kinds.add(ObjectKind.Node); // for the nodes peers of cluster-scoped policies
    ManifestContents contents = ManifestReader.read(cluster, kinds, "--cluster");
    contents.warnings().forEach(w -> err.println("warning: " + w));
    if (contents.workloads().isEmpty()) {
      throw new BadInput("--cluster " + cluster + " holds no workloads (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs,"
          + " bare Pods): give what kubectl get deployments,statefulsets,daemonsets,jobs,cronjobs,pods,services,namespaces -A -o yaml prints");
    }
    return contents;
  }

  /** The policies in force with the cluster's namespaces; an empty set when none were given. */
  PolicySet inForce(ManifestContents cluster, PrintWriter err) {
    return policies(policiesInForce, "--policies-in-force", cluster, err);
  }

  static PolicySet policies(List<Path> paths, String option, ManifestContents cluster, PrintWriter err) {
    if (paths.isEmpty()) {
      return PolicySet.of(cluster.namespaces(), List.of());
    }
    EnumSet<ObjectKind> kinds = EnumSet.of(ObjectKind.NetworkPolicy);
    kinds.addAll(ObjectKind.CLUSTER_POLICIES);
    ManifestContents read = ManifestReader.read(paths, kinds, option);
    read.warnings().forEach(w -> err.println("warning: " + w));
    return PolicySet.of(cluster.namespaces(), read.policies(), read.clusterPolicies(), cluster.nodes());
  }

  /** What Elasticsearch holds for the period. */
  record History(HistoryPeriod period, List<ObservedEdge> edges, List<AnomalySpan> anomalies, Duration windowSize,
      long documents, int anomaliesWithoutSource) {

    /** One line for stderr: what was read, so a reader knows which windows the figures sum. */
    String describe() {
      return String.format(Locale.ROOT, "read %,d edges (%,d %s windows) and %,d anomalies from %s to %s", edges.size(), documents,
          windowSize == null ? "no" : Durations.format(windowSize), anomalies.size(), period.since(), period.until());
    }
  }

  History read(HistoryPeriod period) {
    if (bootstrapServers != null) {
      return readTopics(period);
    }
    ElasticsearchConnection connection = credentials.connection(elasticsearchUrl);
    IndexNames names;
    try {
      names = new IndexNames(indexPrefix);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--index-prefix: " + e.getMessage());
    }
    try (RestClient rest = connection.restClient()) {
      ElasticsearchSearch search = new ElasticsearchSearch(rest);
      TrafficHistoryQuery.Observed observed = new TrafficHistoryQuery(search, names).observed(period);
      AnomalyHistoryQuery.Anomalies anomalies = new AnomalyHistoryQuery(search, names).open(period);
      return new History(period, observed.edges(), anomalies.spans(), observed.windowSize(), observed.documents(),
          anomalies.withoutSource());
    } catch (IOException | UncheckedIOException e) {
      throw new Unreachable("cannot read history from Elasticsearch at " + connection.describe() + ": " + e.getMessage()
          + " (is the sink's Elasticsearch running there? --es-url sets it)");
    }
  }

  private History readTopics(HistoryPeriod period) {
    Map<String, Object> settings;
    try {
      settings = KafkaClientProperties.load(bootstrapServers, kafkaProperties);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    }
    TopicHistory.Topics topics = new TopicHistory.Topics(trafficTopic, anomaliesTopic, "none".equals(flowsTopic) ? null : flowsTopic);
    try {
      TopicHistory.Read read = new TopicHistory(settings, Duration.ofSeconds(60)).read(topics, period);
      return new History(period, read.edges(), read.anomalies(), read.windowSize(), read.windows(), read.anomaliesWithoutSource());
    } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
      throw new Unreachable("cannot read history from Kafka at " + bootstrapServers + ": " + e.getMessage());
    }
  }

  /** Input that cannot be used: options, files; exit 2. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  /** Elasticsearch could not be read; exit {@value #UNREACHABLE}. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }
}
