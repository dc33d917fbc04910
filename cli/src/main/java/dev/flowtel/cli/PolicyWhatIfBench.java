package dev.flowtel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.manifest.InventoryManifestWriter;
import dev.flowtel.core.policy.recommend.PolicyManifestWriter;
import dev.flowtel.localstack.ElasticsearchServer;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.policy.SimulatedInventory;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.sink.elasticsearch.connection.ElasticsearchConnection;
import dev.flowtel.sink.elasticsearch.document.IndexDocument;
import dev.flowtel.sink.elasticsearch.document.TrafficDocuments;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import dev.flowtel.sink.elasticsearch.index.IndexSettings;
import dev.flowtel.sink.elasticsearch.index.IndexSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowtel bench what-if}: {@code policy what-if} end to end (manifests read, the history
 * read from Elasticsearch, the replay) over a week of hourly traffic aggregates of the simulator's
 * 500-service cluster, the figure for "a week of a 500-service cluster in seconds". Lives
 * here, above the bench module, because it runs the command as a user does.
 */
@Command(name = "what-if", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
    description = {"Indexes a week of hourly ServiceTraffic aggregates for every call edge of the simulator's large cluster,",
        "then times ./flowtel policy what-if over it (the simulator's intended policies, one namespace's ingress",
        "allow rules removed, as the proposal)."})
final class PolicyWhatIfBench implements Callable<Integer> {

  @Option(names = "--es-url", description = "An Elasticsearch to use. Default: a local one started under --dir.")
  String elasticsearchUrl;

  @Option(names = "--namespaces", defaultValue = "25", description = "Simulated namespaces.")
  int namespaces;

  @Option(names = "--services-per-namespace", defaultValue = "20", description = "Services (and workloads) per namespace.")
  int servicesPerNamespace;

  @Option(names = "--days", defaultValue = "7", description = "Days of hourly aggregates.")
  int days;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed runs of the command; each is printed, and the median.")
  int repeats;

  @Option(names = "--es-heap", defaultValue = "1g", description = "Heap of the local Elasticsearch.")
  String esHeap;

  @Option(names = "--dir", defaultValue = "target/bench-what-if", description = "Folder for the server's data and the manifests.")
  Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    Path run = dir.toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(run);
    ElasticsearchServer server = null;
    try {
      String url = elasticsearchUrl;
      if (url == null) {
        System.out.println("[what-if] starting Elasticsearch under " + run);
        server = ElasticsearchServer.start(ElasticsearchServer.Settings.in(run.resolve("elasticsearch")).withHeap(esHeap));
        url = server.url();
      }
      ClusterSimulator simulator = ClusterSimulator.of(SimulatorSettings.defaults().withNamespaces(namespaces)
          .withServicesPerNamespace(servicesPerNamespace).withPodsPerWorkload(12).withNodes(32));
      List<CallEdge> graph = simulator.callGraph().edges().stream().filter(e -> !e.toExternal() && e.clientWorkload() != null).toList();
      IndexNames names = new IndexNames("bench-whatif-" + UUID.randomUUID().toString().substring(0, 6) + "-");
      Instant until = Instant.now().truncatedTo(ChronoUnit.HOURS);
      Instant since = until.minus(Duration.ofDays(days));
      long documents;
      double indexSeconds;
      try (RestClient rest = ElasticsearchConnection.to(url).restClient()) {
        new IndexSetup(rest, IndexSettings.defaults(names).withReplicas(0)).install();
        long began = System.nanoTime();
        documents = index(rest, names, graph, since, until);
        indexSeconds = (System.nanoTime() - began) / 1e9;
      }
      System.out.printf(Locale.ROOT, "[what-if] %,d services, %,d workloads, %,d call edges; indexed %,d hourly aggregates (%d days) in %.1f s%n",
          simulator.cluster().services().size(), simulator.cluster().workloads().size(), graph.size(), documents, days, indexSeconds);

      Path cluster = run.resolve("cluster.yaml");
      Files.writeString(cluster, InventoryManifestWriter.write(SimulatedInventory.of(simulator.cluster())));
      List<NetworkPolicy> intended = simulator.policies().policies().stream().map(ClusterStatePolicies::networkPolicy).toList();
      String cut = intended.stream().filter(p -> !p.rules(dev.flowtel.core.policy.PolicyType.Ingress).isEmpty())
          .map(NetworkPolicy::namespace).findFirst().orElse("");
      List<NetworkPolicy> proposal = intended.stream()
          .filter(p -> !(p.namespace().equals(cut) && !p.rules(dev.flowtel.core.policy.PolicyType.Ingress).isEmpty())).toList();
      Path current = run.resolve("in-force.yaml");
      Path proposed = run.resolve("proposed.yaml");
      Files.writeString(current, PolicyManifestWriter.writeAll(intended, id -> Map.of()));
      Files.writeString(proposed, PolicyManifestWriter.writeAll(proposal, id -> Map.of()));

      String[] command = {"policy", "what-if", "--es-url", url, "--index-prefix", names.prefix(), "--cluster", cluster.toString(),
          "--policies-in-force", current.toString(), "--policies", proposed.toString(), "--since", since.toString(),
          "--until", until.toString(), "--output", "json"};
      double[] seconds = new double[repeats];
      String answer = "";
      for (int r = 0; r < repeats; r++) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long began = System.nanoTime();
        int exit = new CommandLine(new FlowtelCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(command);
        seconds[r] = (System.nanoTime() - began) / 1e9;
        if (exit != 0) {
          System.err.println(err);
          return exit;
        }
        answer = out.toString();
        System.out.printf(Locale.ROOT, "[what-if] run %d: %.2f s (%s)%n", r + 1, seconds[r], err.toString().strip());
      }
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "[what-if] policy what-if over %d days of %,d edges (%,d documents), ingress allow rules of"
          + " namespace %s removed: counts %s; median %.2f s of %d runs (first %.2f s, in a JVM that had run nothing of it)%n",
          days, graph.size(), documents, cut, JSON.readTree(answer).path("counts"), sorted[repeats / 2], repeats, seconds[0]);
      System.out.println("[what-if] command: ./flowtel policy " + String.join(" ", Arrays.copyOfRange(command, 1, command.length)));
      parts(url, names, cluster, current, proposed, since, until);
      String root = System.getenv("FLOWTEL_ROOT");
      if (root != null) {
        // As a user runs it: its own JVM, with the flags ./flowtel gives short commands.
        List<String> process = new ArrayList<>(List.of(Path.of(root, "flowtel").toString()));
        process.addAll(Arrays.asList(command));
        for (int r = 0; r < Math.min(repeats, 3); r++) {
          long began = System.nanoTime();
          Process started = new ProcessBuilder(process).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD).start();
          int exit = started.waitFor();
          System.out.printf(Locale.ROOT, "[what-if] ./flowtel policy what-if, its own JVM, run %d: %.2f s (exit %d)%n", r + 1,
              (System.nanoTime() - began) / 1e9, exit);
        }
      }
      return 0;
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Where the time goes, once each: reading the manifests, the history from Elasticsearch, and the replay. */
  private static void parts(String url, IndexNames names, Path cluster, Path current, Path proposed, Instant since, Instant until)
      throws IOException {
    long began = System.nanoTime();
    dev.flowtel.core.policy.manifest.ManifestContents contents = dev.flowtel.core.policy.manifest.ManifestReader.read(
        List.of(cluster), dev.flowtel.core.policy.manifest.ObjectKind.inventory(), "--cluster");
    PrintWriter quiet = new PrintWriter(new StringWriter());
    dev.flowtel.core.policy.PolicySet inForce = PolicyHistoryOptions.policies(List.of(current), "--policies-in-force", contents, quiet);
    dev.flowtel.core.policy.PolicySet proposal = PolicyHistoryOptions.policies(List.of(proposed), "--policies", contents, quiet);
    long read = System.nanoTime();
    List<dev.flowtel.core.policy.history.ObservedEdge> edges;
    try (RestClient rest = ElasticsearchConnection.to(url).restClient()) {
      edges = new dev.flowtel.console.history.TrafficHistoryQuery(new dev.flowtel.console.query.ElasticsearchSearch(rest), names)
          .observed(new dev.flowtel.console.history.HistoryPeriod(since, until)).edges();
    }
    long history = System.nanoTime();
    dev.flowtel.core.policy.whatif.PolicyReplay.replay(edges, contents.inventory(), inForce, proposal);
    long replayed = System.nanoTime();
    System.out.printf(Locale.ROOT, "[what-if] parts, in this warm JVM: manifests %.2f s, history from Elasticsearch %.2f s, replay %.2f s%n",
        (read - began) / 1e9, (history - read) / 1e9, (replayed - history) / 1e9);
  }

  /** One aggregate per call edge and hour, with figures that differ by edge, written as the sink writes them. */
  private static long index(RestClient rest, IndexNames names, List<CallEdge> graph, Instant since, Instant until) throws IOException {
    TrafficDocuments traffic = new TrafficDocuments(names);
    List<IndexDocument> batch = new ArrayList<>();
    long count = 0;
    for (Instant hour = since; hour.isBefore(until); hour = hour.plus(Duration.ofHours(1))) {
      for (CallEdge edge : graph) {
        batch.add(traffic.build(window(edge, hour)));
        if (batch.size() == 5_000) {
          count += bulk(rest, batch);
        }
      }
    }
    count += bulk(rest, batch);
    Request refresh = new Request("POST", "/" + names.pattern(IndexNames.Kind.TRAFFIC) + "/_refresh");
    rest.performRequest(refresh);
    return count;
  }

  private static ServiceTraffic window(CallEdge edge, Instant hour) {
    long flows = 10 + edge.index() % 90;
    long bytes = 1_000L + (edge.index() * 7919L) % 100_000L;
    return ServiceTraffic.newBuilder()
        .setWindowStart(hour).setWindowEnd(hour.plus(Duration.ofHours(1)))
        .setSource(EdgeEndpoint.newBuilder().setNamespace(edge.clientWorkload().namespace())
            .setKind(edge.clientWorkload().kind().kubernetesName()).setName(edge.clientWorkload().name())
            .setNetworkClass(NetworkClass.POD).build())
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(edge.service().namespace()).setKind("Service")
            .setName(edge.service().name()).setNetworkClass(NetworkClass.SERVICE).build())
        .setDestinationPort(edge.port().port()).setProtocol(edge.port().protocolNumber())
        .setBytesToDestination(bytes).setBytesToSource(bytes * 4).setPacketsToDestination(flows * 5).setPacketsToSource(flows * 6)
        .setFlows(flows).setConnectionsOpened(flows).setConnectionsClosed(flows).setDistinctSourcePods(3)
        .build();
  }

  private static long bulk(RestClient rest, List<IndexDocument> batch) throws IOException {
    if (batch.isEmpty()) {
      return 0;
    }
    StringBuilder body = new StringBuilder();
    for (IndexDocument d : batch) {
      body.append(JSON.writeValueAsString(Map.of("index", Map.of("_index", d.index(), "_id", d.id(), "version", d.externalVersion(),
          "version_type", "external")))).append('\n');
      body.append(JSON.writeValueAsString(d.source())).append('\n');
    }
    Request request = new Request("POST", "/_bulk");
    request.setJsonEntity(body.toString());
    if (JSON.readTree(rest.performRequest(request).getEntity().getContent()).path("errors").asBoolean()) {
      throw new IllegalStateException("Elasticsearch refused aggregates of the bench");
    }
    int sent = batch.size();
    batch.clear();
    return sent;
  }
}
