package dev.flowtel.cli;

import dev.flowtel.console.ConsoleSettings;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import dev.flowtel.core.config.WindowOption;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.simulator.dns.DnsEpisodeType;
import dev.flowtel.simulator.episode.EpisodeType;
import dev.flowtel.wire.FlowtelTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./flowtel up}: the whole pipeline on this machine, on embedded defaults, until Ctrl-C or {@code --duration}. */
@Command(name = "up", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {
        "Runs the Flowtel pipeline on this machine until Ctrl-C or --duration.",
        "Starts a Kafka broker (KRaft) and an Elasticsearch server as child processes, with no Docker,",
        "creates the topics and indices, runs the traffic aggregation and anomaly detection jobs on an embedded",
        "Flink MiniCluster and the Elasticsearch sink, and feeds flows from the chosen source. All files live in --state-dir."})
final class UpCommand implements Callable<Integer> {

  @Option(names = "--source", defaultValue = "auto",
      description = {"Where flows come from: synthetic (the simulator, with its NetworkPolicies and anomaly episodes),",
          "ebpf (the collector's TC programs on this host's pod interfaces, or its default-route interface when it has none),",
          "hubble:<file> (Cilium Hubble JSON lines), or auto: ebpf when eBPF is permitted and this host has pod",
          "interfaces (a Kubernetes node), else synthetic."})
  String source;

  @Option(names = "--engine", defaultValue = "flink",
      description = "Stream engine: flink (embedded MiniCluster) or kafka-streams (the Kafka Streams app, in this JVM).")
  String engine;

  @Option(names = "--duration", converter = DurationOption.class,
      description = "Stop by itself after this long (e.g. 90s, 5m), print a summary and exit 0; without it, run until Ctrl-C.")
  Optional<Duration> duration;

  @Option(names = "--flows-per-second", defaultValue = "2000", description = "Rate of the synthetic source.")
  double flowsPerSecond;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic cluster and its traffic.")
  long seed;

  @Option(names = "--episodes-after", defaultValue = "2m", converter = DurationOption.class,
      description = "When the synthetic source starts injecting anomaly episodes (one type every 40 s); the detectors learn until then.")
  Duration episodesAfter;

  @Option(names = "--episodes", split = ",", paramLabel = "<type>",
      description = {"The synthetic source's anomaly episodes, in the order they are staged (one every 40 s), e.g.",
          "POLICY_VIOLATION,PORT_SCAN; by default every type: PORT_SCAN, NEW_EDGE, EXTERNAL_EGRESS, DENIED_SPIKE,",
          "VOLUME_BURST, IP_SWEEP, POLICY_VIOLATION."})
  List<EpisodeType> episodes = LocalDemo.ORDER;

  @Option(names = "--dns-episodes", split = ",", paramLabel = "<type>",
      description = {"The synthetic source's DNS episodes, staged beside the others from --episodes-after on (one",
          "every 2m20s, each 2 min long); by default both: NXDOMAIN_SPIKE (a pod looking up generated names),",
          "DNS_TUNNEL (data in the names asked under one domain). --no-dns-episodes stages none."})
  List<DnsEpisodeType> dnsEpisodes = LocalDemo.DNS_ORDER;

  @Option(names = "--no-dns-episodes", description = "Stage no DNS episode (the simulated pods still resolve names).")
  boolean noDnsEpisodes;

  @Mixin
  WindowOption window = new WindowOption();

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the embedded Flink jobs.")
  int parallelism;

  @Option(names = "--flink-cluster", description = {"Run the Flink jobs on a local Flink session cluster (a JobManager and",
      "2 TaskManagers, each a JVM of its own), submitted from the job jar with flink run, instead of on a MiniCluster",
      "in this JVM; its web UI is at --flink-ui-port. Needs the job jar: ./flowtel build."})
  boolean flinkCluster;

  @Option(names = "--flink-ui-port", defaultValue = "8081", description = "Port of the Flink web UI and REST API with --flink-cluster.")
  int flinkUiPort;

  @Option(names = "--flink-job-jar", defaultValue = "${env:FLOWTEL_ROOT:-.}/stream-jobs/flink/target/flowtel-flink-job.jar",
      description = "The shaded job jar --flink-cluster submits (./flowtel build makes it).")
  Path flinkJobJar;

  @Option(names = "--state-dir", defaultValue = StateDirectory.DEFAULT,
      description = "Folder for all local state: server data, logs, pid files (env FLOWTEL_STATE_DIR).")
  Path stateDir;

  @Option(names = "--kafka-port", defaultValue = "" + LocalStack.Settings.DEFAULT_KAFKA_PORT,
      description = "Port of the local Kafka broker on 127.0.0.1.")
  int kafkaPort;

  @Option(names = "--es-port", defaultValue = "" + LocalStack.Settings.DEFAULT_ELASTICSEARCH_PORT,
      description = "HTTP port of the local Elasticsearch on 127.0.0.1.")
  int elasticsearchPort;

  @Option(names = "--kafka-brokers", defaultValue = "1",
      description = "1, or 3 for a KRaft cluster of three brokers on --kafka-port and the two ports after it, where"
          + " every topic is replicated 3 times with min.insync.replicas 2 (each broker gets --kafka-heap).")
  int kafkaBrokers;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each Flowtel topic it creates.")
  int partitions;

  @Option(names = "--kafka-heap", defaultValue = "1g", description = "Heap of the Kafka broker JVM (of each, with --kafka-brokers 3).")
  String kafkaHeap;

  @Option(names = "--es-heap", defaultValue = "1g", description = "Heap of the Elasticsearch JVM.")
  String elasticsearchHeap;

  @Option(names = "--console-port", defaultValue = "" + ConsoleSettings.DEFAULT_PORT,
      description = "Port of the web console on 127.0.0.1 (a free one when this is taken); 0 picks a free one, -1 starts none.")
  int consolePort;

  @Option(names = "--servers-only", description = "Start Kafka and Elasticsearch with the topics, nothing else.")
  boolean serversOnly;

  @Override
  public Integer call() throws Exception {
    FlowSourceChoice flowSource;
    try {
      flowSource = FlowSourceChoice.of(source);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    engine = engine.toLowerCase(Locale.ROOT);
    if (!engine.equals("flink") && !engine.equals("kafka-streams")) {
      System.err.println("--engine " + engine + ": expected flink or kafka-streams");
      return 2;
    }
    if (kafkaBrokers != 1 && kafkaBrokers != 3) {
      System.err.println("--kafka-brokers " + kafkaBrokers + ": expected 1, or 3 for a replicated cluster");
      return 2;
    }
    if (flinkCluster && !engine.equals("flink")) {
      System.err.println("--flink-cluster runs the Flink jobs: it cannot go with --engine " + engine);
      return 2;
    }
    if (flinkCluster && !serversOnly) {
      try {
        FlinkClusterJobs.jobJar(flinkJobJar);
      } catch (IllegalStateException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
    Path state = stateDir.toAbsolutePath().normalize();
    Files.createDirectories(state);
    Path log = PipelineLog.routeToStateDirectory(state);
    Progress progress = new Progress();
    LocalStack stack = LocalStack.start(new LocalStack.Settings(state, kafkaPort, elasticsearchPort, kafkaHeap, elasticsearchHeap, kafkaBrokers),
        progress::step);
    progress.step("creating topics");
    List<NewTopic> topics = FlowtelTopics.layouts().stream()
        .map(t -> new NewTopic(t.name(), t.name().equals(FlowtelTopics.CLUSTER_STATE) ? 1 : partitions, stack.kafka().replicationFactor())
            .configs(t.config()))
        .toList();
    stack.kafka().createTopics(topics);

    if (!serversOnly) {
      progress.step("flow source: " + flowSource.describe());
    }
    LocalPipeline pipeline = serversOnly ? null : new LocalPipeline(stack,
        new LocalPipeline.Settings(flowsPerSecond, seed, parallelism, window.window(), episodesAfter, episodes,
            noDnsEpisodes ? List.of() : dnsEpisodes, engine, flowSource,
            flinkCluster ? flinkUiPort : 0, flinkJobJar));
    LiveView live = serversOnly ? null : new LiveView(stack.kafka().bootstrapServers(), pipeline::flowsSent,
        pipeline::documentsWritten, pipeline::jobState, pipeline::latencyLine);
    LocalConsole console = LocalConsole.start(consolePort, stack, progress);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C and the end of --duration stop the same way, and both print the summary: its figures
    // are read before anything stops.
    Thread stopper = new Thread(() -> {
      String summary = pipeline == null ? "" : summary(pipeline, live, stack.elasticsearch().url(), console.url());
      progress.step("stopping");
      console.close();
      StateDirectory.removeEndpoints(state);
      if (live != null) {
        live.close();
      }
      if (pipeline != null) {
        pipeline.close();
        progress.step("stopped the " + (engine.equals("flink") ? "Flink jobs" : "Kafka Streams app")
            + ", the Elasticsearch sink and the flow source");
      }
      stack.close();
      progress.step("stopped Kafka and Elasticsearch; data kept in " + state + " (./flowtel down --purge removes it)");
      System.out.print(summary);
      System.out.flush();
      stopped.countDown();
    }, "flowtel-up-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    // The stopper stops the servers last; their own hooks would stop them while it reads the summary.
    stack.stopOnlyWhenClosed();

    if (pipeline != null) {
      pipeline.start(progress);
      live.start();
    }
    StateDirectory.writeEndpoints(state, stack.kafka().bootstrapServers(), stack.elasticsearch().url());
    String policies = pipeline == null ? "" : pipeline.simulator().map(s -> LocalPolicyFiles.write(state, s)).orElse("");
    printWhere(stack, topics, state, log, console.url(), policies);
    if (pipeline != null && flinkCluster) {
      System.out.println("  Flink web UI   http://127.0.0.1:" + flinkUiPort + "   (JobManager and TaskManager logs in "
          + state.resolve("flink/log") + ")");
      System.out.println();
    }

    if (duration.isPresent()) {
      progress.step("running for " + Durations.format(duration.get()));
      if (!runFor(duration.get())) {
        progress.step("interrupted; ending the run early");
      }
      Runtime.getRuntime().removeShutdownHook(stopper);
      stopper.run();
    } else {
      progress.step("press Ctrl-C to stop");
      stopped.await();
      stopped.await(5, TimeUnit.SECONDS);
    }
    return 0;
  }

  /**
   * Waits out a bounded run; returns false when the command's thread was interrupted first. An
   * interrupt ends the run early with the same summary and clean stop as reaching --duration, so a
   * caller that runs the command in a thread of its own (a test that has seen what it waited for)
   * can end it. The interrupt is consumed here: it asked for exactly this.
   */
  private static boolean runFor(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void printWhere(LocalStack stack, List<NewTopic> topics, Path state, Path log, Optional<URI> console,
      String policies) {
    System.out.println();
    System.out.println("Flowtel is running locally:");
    System.out.println("  Kafka          " + stack.kafka().bootstrapServers() + (stack.kafka().replicationFactor() > 1
        ? "  (" + stack.kafka().replicationFactor() + " brokers; topics replicated " + stack.kafka().replicationFactor()
            + " times, min.insync.replicas 2)" : ""));
    for (NewTopic topic : topics) {
      System.out.printf("    topic        %s (%d partitions%s)%n", topic.name(), topic.numPartitions(),
          "compact".equals(topic.configs().get("cleanup.policy")) ? ", compacted" : "");
    }
    System.out.println("  Elasticsearch  " + stack.elasticsearch().url() + "  (indices flowtel-traffic-*, flowtel-anomalies-*)");
    System.out.println("  State          " + state);
    System.out.println("  Logs           " + log + "   (this run's jobs, sink and libraries)\n                 "
        + stack.kafka().logFiles().stream().map(f -> f + "\n                 ").collect(java.util.stream.Collectors.joining())
        + stack.elasticsearch().logFile());
    System.out.print(howToLook(stack.elasticsearch().url(), console));
    System.out.print(policies);
    System.out.println();
  }

  /** Where the results are; printed when the pipeline is up and again after a bounded run's summary. */
  private static String howToLook(String elasticsearchUrl, Optional<URI> console) {
    return console.map(url -> "  Console        " + url + "   (service map and anomalies; open it in a browser)\n").orElse("")
        + "  Look at it     curl '" + elasticsearchUrl + "/flowtel-traffic/_search?size=3&sort=@timestamp:desc'\n"
        + "                 ./flowtel anomalies tail --since 1h   (anomalies as they are found; Ctrl-C ends it)\n"
        + "                 ./flowtel kibana import --url <your Kibana>   (dashboards; Kibana is not part of the local stack)\n";
  }

  /** The bounded run's closing figures, read before anything stops. */
  private static String summary(LocalPipeline pipeline, LiveView live, String elasticsearchUrl, Optional<URI> console) {
    StringBuilder out = new StringBuilder("\nSummary\n");
    out.append(String.format("  flows in                  %,d%n", pipeline.flowsSent()));
    out.append(String.format("  jobs                      %s%n", pipeline.jobState()));
    out.append(String.format("  edges out                 %,d (%,d windows)%n", live.edges(), live.windows()));
    out.append(String.format("  anomalies                 %s%n", live.anomaliesByType().isEmpty() ? "none" : live.anomaliesByType()));
    out.append(String.format("  documents in Elasticsearch %,d traffic, %,d anomalies%n",
        count(elasticsearchUrl, "flowtel-traffic"), count(elasticsearchUrl, "flowtel-anomalies")));
    out.append(pipeline.latencySummary());
    out.append("\nThe data stays in the state folder; to look at it again, start the servers with ./flowtel up --servers-only, then:\n")
        .append(howToLook(elasticsearchUrl, console));
    return out.toString();
  }

  private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

  static long count(String elasticsearchUrl, String index) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(elasticsearchUrl + "/" + index + "/_count?ignore_unavailable=true")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = COUNT.matcher(response.body());
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (Exception e) {
      return -1;
    }
  }
}
