package dev.flowtel.bench.e2e;

import dev.flowtel.core.config.DurationOption;
import dev.flowtel.core.config.Durations;
import dev.flowtel.localstack.ElasticsearchServer;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.localstack.LocalStack;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchClients;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.wire.FlowtelTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel bench e2e}: why Flowtel aggregates, side by side in one run on one Kafka broker
 * and one Elasticsearch. The same simulator flows, loaded once into a topic, go (b) through the
 * Flink traffic job and the Elasticsearch sink as deployed, and (a) raw into Elasticsearch, one
 * ECS document per flow; then the most common Kibana question, the top edges by bytes, is timed on
 * both indices and its answers compared, and the indices' sizes are measured.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {"Flows/s into Elasticsearch raw (one ECS document per flow, BulkIngester) and through Flowtel (traffic job,",
        "exactly-once, and the sink) from one topic, the top-10-edges query on both indices, and their sizes."})
public final class EndToEndBench implements Callable<Integer> {

  @Option(names = "--flows", defaultValue = "1000000", description = "Simulator flows to load (both paths read all of them).")
  long flows;

  @Option(names = "--span", defaultValue = "20m", converter = DurationOption.class,
      description = "Event time the flows cover, ending at the last whole minute before the load (so the last 15 minutes hold 3/4 of them).")
  Duration span;

  @Option(names = "--namespaces", defaultValue = "7", description = "Simulated application namespaces (6 services each), as ./flowtel up.")
  int namespaces;

  @Option(names = "--pods-per-workload", defaultValue = "3", description = "Replicas per Deployment/StatefulSet.")
  int podsPerWorkload;

  @Option(names = "--nodes", defaultValue = "4", description = "Simulated nodes.")
  int nodes;

  @Option(names = "--seed", defaultValue = "7", description = "Simulator seed.")
  long seed;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the flows topic: the job's parallelism and the raw path's readers.")
  int partitions;

  @Option(names = "--bulk-documents", defaultValue = "5000", description = "Raw path: flows per bulk request.")
  int bulkDocuments;

  @Option(names = "--bulk-megabytes", defaultValue = "10", description = "Raw path: largest bulk request, in MB.")
  int bulkMegabytes;

  @Option(names = "--concurrent-requests", defaultValue = "2", description = "Raw path: bulk requests in flight.")
  int concurrentRequests;

  @Option(names = "--repeats", defaultValue = "11", description = "Timed runs of each query on each index; the median is reported.")
  int repeats;

  @Option(names = "--query-warm-up", defaultValue = "20s", converter = DurationOption.class,
      description = "How long each query runs untimed before it is timed, in batches of searches: a serving Elasticsearch "
          + "runs its search code compiled, and a query of a few milliseconds needs thousands of runs to get there.")
  Duration queryWarmUp;

  @Option(names = "--queries-on", paramLabel = "RUN",
      description = "Only the queries (and index sizes), on the indices an earlier run left in its folder RUN (e.g. "
          + "target/bench-e2e/run-1796522525458): a large raw index is loaded once and queried as often as wanted.")
  Path queriesOn;

  @Option(names = "--warm-up-flows", defaultValue = "200000",
      description = "Flows both paths run once, untimed, before the measured runs (0: none): the JIT of the job, the sink and Elasticsearch warm, as in a long-running deployment.")
  long warmUpFlows;

  @Option(names = "--es-heap", defaultValue = "1g", description = "Heap of the local Elasticsearch (as ./flowtel up).")
  String esHeap;

  @Option(names = "--dir", defaultValue = "target/bench-e2e", description = "Folder for the servers' data and the job's checkpoints.")
  Path dir;

  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final Duration ROLLUP = Duration.ofMinutes(1);
  private static final String RAW_INDEX = "e2e-raw-flows";
  private static final IndexNames NAMES = new IndexNames("e2e-");
  private static final IndexNames WARM_UP_NAMES = new IndexNames("e2e-warm-up-");
  private static final String WARM_UP_RAW_INDEX = "e2e-warm-up-raw-flows";

  @Override
  public Integer call() throws Exception {
    if (queriesOn != null) {
      return queriesOnly(queriesOn.toAbsolutePath());
    }
    Path state = dir.toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    try (LocalStack stack = LocalStack.start(new LocalStack.Settings(state, LocalPorts.free(), LocalPorts.free(), "1g", esHeap),
        step -> System.out.println("[e2e] " + step))) {
      String bootstrap = stack.kafka().bootstrapServers();
      FlowtelPath.Topics topics = new FlowtelPath.Topics("e2e.flows", "e2e.traffic", "e2e.anomalies", "e2e.dlq");
      stack.kafka().createTopics(List.of(new NewTopic(topics.flows(), partitions, (short) 1),
          new NewTopic(topics.traffic(), partitions, (short) 1), new NewTopic(topics.anomalies(), 1, (short) 1),
          new NewTopic(topics.deadLetters(), 1, (short) 1)));
      FlowInput input = FlowInput.load(new FlowInput.Shape(flows, span, namespaces, podsPerWorkload, nodes, seed), bootstrap, topics.flows());
      System.out.printf(Locale.ROOT, "[e2e] loaded %,d flows (%,d pods, %,d services, %,d distinct flow keys) over %s of event time "
          + "ending %s, %,.0f flows/s of event time, in %.1f s%n", input.flows(), input.load().pods(), input.load().services(),
          input.load().flowKeys(), Durations.format(span), input.end(), (double) input.flows() / span.toSeconds(), input.load().seconds());

      ElasticsearchConnection connection = ElasticsearchConnection.to(stack.elasticsearch().url());
      try (ElasticsearchClients clients = ElasticsearchClients.open(connection)) {
        ElasticsearchCalls calls = new ElasticsearchCalls(clients.rest());
        RawPath.Tuning tuning = new RawPath.Tuning(bulkDocuments, bulkMegabytes * 1024L * 1024, concurrentRequests);
        if (warmUpFlows > 0) {
          warmUp(stack, bootstrap, connection, clients, calls, tuning, state);
        }
        FlowtelPath flowtel = new FlowtelPath(connection, calls, NAMES);
        flowtel.setUp(clients.rest());
        System.out.println("[e2e] (b) Flowtel: traffic job (exactly-once, bounded) and the Elasticsearch sink");
        FlowtelPath.Result b = flowtel.run(bootstrap, topics, partitions, state.resolve("checkpoints"));
        System.out.printf(Locale.ROOT, "[e2e] (b) first flow read after %.1f s, read for %.1f s, job done after %.1f s, %,d traffic "
            + "records; the sink acknowledged its first after %.1f s and all after %.1f s; %,d aggregates searchable after %.1f s%n",
            b.startSeconds(), b.readingSeconds(), b.jobSeconds(), b.records(), b.sinkFirstSeconds(), b.sinkAckedSeconds(), b.documents(),
            b.searchableSeconds());

        RawPath raw = new RawPath(clients.client(), calls, tuning);
        raw.createIndex(RAW_INDEX);
        System.out.printf("[e2e] (a) raw: every flow an ECS document, BulkIngester %d documents or %d MB per request, %d in flight%n",
            bulkDocuments, bulkMegabytes, concurrentRequests);
        RawPath.Result a = raw.run(bootstrap, topics.flows(), partitions, input.flows(), RAW_INDEX);
        System.out.printf(Locale.ROOT, "[e2e] (a) acknowledged after %.1f s (%,.0f flows/s sustained); %,d documents searchable after "
            + "%.1f s%n", a.ackedSeconds(), a.sustainedFlowsPerSecond(), a.documents(), a.searchableSeconds());

        String aggregates = NAMES.pattern(IndexNames.Kind.TRAFFIC);
        for (String index : List.of(RAW_INDEX, aggregates)) {
          calls.refresh(index);
          calls.forceMerge(index);
        }
        long rawBytes = calls.storeBytes(RAW_INDEX);
        long aggregateBytes = calls.storeBytes(aggregates);

        // Ends at the next minute boundary after the last flow, a boundary of 10 s windows and of the 1 min rollup alike.
        TopEdgesComparison queries = TopEdgesComparison.measure(calls, RAW_INDEX, aggregates, WINDOW, ROLLUP,
            input.end().plus(Duration.ofMinutes(1)), repeats, queryWarmUp);
        new Report(input, a, b, rawBytes, aggregateBytes, queries).print(this);
      }
    }
    return 0;
  }

  /**
   * The queries alone, on an earlier run's Elasticsearch data. That run's flows ended at a whole
   * minute after its last flow, so the ranges end one minute after the minute of the last raw flow,
   * as in the run itself.
   */
  private int queriesOnly(Path run) throws Exception {
    Path data = run.resolve("elasticsearch");
    if (!Files.isDirectory(data)) {
      System.err.println("e2e: " + run + " holds no Elasticsearch data (expected " + data + ", left by an earlier ./flowtel bench e2e)");
      return 2;
    }
    System.out.println("[e2e] starting Elasticsearch on the data in " + data);
    try (ElasticsearchServer server = ElasticsearchServer.start(new ElasticsearchServer.Settings(data, LocalPorts.free(), esHeap));
        ElasticsearchClients clients = ElasticsearchClients.open(ElasticsearchConnection.to(server.url()))) {
      ElasticsearchCalls calls = new ElasticsearchCalls(clients.rest());
      String aggregates = NAMES.pattern(IndexNames.Kind.TRAFFIC);
      calls.call("GET", "/_cluster/health/" + RAW_INDEX + "," + aggregates + "?wait_for_status=green&timeout=120s", null);
      long lastFlow = calls.call("POST", "/" + RAW_INDEX + "/_search", Map.of("size", 0, "track_total_hits", false,
          "aggs", Map.of("last", Map.of("max", Map.of("field", "@timestamp"))))).path("aggregations").path("last").path("value").asLong();
      Instant end = Instant.ofEpochMilli(lastFlow).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
      System.out.printf(Locale.ROOT, "[e2e] %,d raw flows (%,.1f MB) and %,d aggregates (%,.2f MB); queries end at %s%n",
          calls.count(RAW_INDEX), calls.storeBytes(RAW_INDEX) / 1e6, calls.count(aggregates), calls.storeBytes(aggregates) / 1e6, end);
      TopEdgesComparison.measure(calls, RAW_INDEX, aggregates, WINDOW, ROLLUP, end, repeats, queryWarmUp).print();
    }
    return 0;
  }

  /**
   * Both paths once over a small input of their own, untimed, then their indices deleted: a
   * deployment's job, sink and Elasticsearch run warm, and without this the path measured first
   * would pay the JIT of all three (the first run's sink wrote at a third of its warm rate).
   */
  private void warmUp(LocalStack stack, String bootstrap, ElasticsearchConnection connection, ElasticsearchClients clients,
      ElasticsearchCalls calls, RawPath.Tuning tuning, Path state) throws Exception {
    FlowtelPath.Topics topics = new FlowtelPath.Topics("e2e.warm-up.flows", "e2e.warm-up.traffic", "e2e.warm-up.anomalies",
        "e2e.warm-up.dlq");
    stack.kafka().createTopics(List.of(new NewTopic(topics.flows(), partitions, (short) 1),
        new NewTopic(topics.traffic(), partitions, (short) 1), new NewTopic(topics.anomalies(), 1, (short) 1),
        new NewTopic(topics.deadLetters(), 1, (short) 1)));
    FlowInput input = FlowInput.load(new FlowInput.Shape(warmUpFlows, span, namespaces, podsPerWorkload, nodes, seed + 1), bootstrap,
        topics.flows());
    FlowtelPath flowtel = new FlowtelPath(connection, calls, WARM_UP_NAMES);
    flowtel.setUp(clients.rest());
    FlowtelPath.Result b = flowtel.run(bootstrap, topics, partitions, state.resolve("warm-up-checkpoints"));
    RawPath raw = new RawPath(clients.client(), calls, tuning);
    raw.createIndex(WARM_UP_RAW_INDEX);
    RawPath.Result a = raw.run(bootstrap, topics.flows(), partitions, input.flows(), WARM_UP_RAW_INDEX);
    calls.call("DELETE", "/" + WARM_UP_RAW_INDEX + "," + WARM_UP_NAMES.pattern(IndexNames.Kind.TRAFFIC), null);
    System.out.printf(Locale.ROOT, "[e2e] warm-up, not measured: %,d flows through both paths (Flowtel searchable after %.1f s, raw after "
        + "%.1f s); their indices deleted%n", input.flows(), b.searchableSeconds(), a.searchableSeconds());
  }

  String settings() {
    return String.format(Locale.ROOT, "--flows %d --span %s --namespaces %d --pods-per-workload %d --nodes %d --seed %d --partitions %d "
        + "--bulk-documents %d --bulk-megabytes %d --concurrent-requests %d --repeats %d --query-warm-up %s --warm-up-flows %d --es-heap %s", flows,
        Durations.format(span), namespaces, podsPerWorkload, nodes, seed, partitions, bulkDocuments, bulkMegabytes, concurrentRequests,
        repeats, Durations.format(queryWarmUp), warmUpFlows, esHeap);
  }
}
