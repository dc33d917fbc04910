package dev.flowtel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.NetworkClass;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.testing.ElasticsearchFixture;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.NewTopics;
import dev.flowtel.testing.Podman;
import dev.flowtel.testing.WithElasticsearch;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The five images the manifests name, built once by {@code deploy/docker/build-images.sh --local}
 * from this build's jars (so a CI run builds them all), and run by a real container runtime the way
 * their manifests run them: non-root, read-only root filesystem, every capability dropped. Here each
 * image starts its program; the tools image does its jobs (es setup, the sink) against the real
 * servers. What the others do end to end has its own tests: CollectorContainerIT (the DaemonSet's
 * privileges), FlinkJobImageIT (an application cluster, nightly), StreamsImageIT (the app's job in the streams image).
 */
@WithKafka
@WithElasticsearch
@Timeout(900)
class ImagesIT {

  private static final String VERSION = "0.1.0";
  private static final List<String> LOCKED_DOWN = List.of("--network", "host", "--read-only", "--read-only-tmpfs=false",
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "10001");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void buildTheImages() throws Exception {
    String reason = Podman.unavailableReason();
    assumeThat(reason).as("containers cannot run here: %s", reason).isNull();
    Podman.buildImages("collector", "flink-job", "streams", "cluster-state", "tools");
  }

  @Test
  void theToolsImageSetsUpElasticsearchAsTheSetupJobDoes(ElasticsearchFixture elasticsearch) throws Exception {
    Podman.Result setup = run(image("tools"), "es", "setup", "--url", elasticsearch.url(), "--replicas", "0");
    assertThat(setup.exit()).as("es setup's output:\n%s", setup.output()).isZero();
    HttpResponse<String> templates = get(elasticsearch.url() + "/_index_template/flowtel*");
    assertThat(templates.statusCode()).isEqualTo(200);
    assertThat(templates.body()).contains("\"name\":\"flowtel-");
  }

  /**
   * The sink Deployment's container: ServiceTraffic on the traffic topic becomes one document per
   * edge and window, the latest revision's. The topic is the broker's, which other tests may also
   * write; this run's records are told apart by their namespace, its indices by their prefix.
   */
  @Test
  void theToolsImageSinksServiceTrafficAsTheSinkDeploymentDoes(KafkaFixture kafka, ElasticsearchFixture elasticsearch)
      throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "it-sink-" + id + "-";
    String namespace = "it-" + id;
    String group = "it-sink-image-" + id;
    Podman.Result setup = run(image("tools"), "es", "setup", "--url", elasticsearch.url(), "--replicas", "0",
        "--index-prefix", prefix);
    assertThat(setup.exit()).as("es setup's output:\n%s", setup.output()).isZero();

    Map<TopicPartition, Long> ends;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      createMissing(admin, FlowtelTopics.SERVICE_TRAFFIC, FlowtelTopics.ANOMALIES, FlowtelTopics.DLQ);
      // 300 edge windows; the first 100 again as revision 2 with more bytes, as a late flow makes them.
      WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
      Instant start = Instant.parse("2026-11-26T10:00:00Z");
      long expectedBytes = 0;
      try (InputProducer producer = InputProducer.create(kafka.bootstrapServers())) {
        for (int revision = 1; revision <= 2; revision++) {
          for (int i = 0; i < (revision == 1 ? 300 : 100); i++) {
            ServiceTraffic t = traffic(namespace, "client-" + i % 30, start.plusSeconds(10L * (i / 30)), revision, 1_000L * revision + i);
            producer.send(new ProducerRecord<>(FlowtelTopics.SERVICE_TRAFFIC, codec.encode(t)));
          }
        }
      }
      for (int i = 0; i < 300; i++) {
        expectedBytes += (i < 100 ? 2_000L : 1_000L) + i + 2 * ((i < 100 ? 2_000L : 1_000L) + i);
      }
      ends = endOffsets(admin, FlowtelTopics.SERVICE_TRAFFIC);

      String name = "flowtel-sink-it-" + id;
      List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name));
      command.addAll(Podman.LIMITS);
      command.addAll(LOCKED_DOWN);
      command.addAll(List.of(image("tools"), "sink", "--bootstrap-servers=" + kafka.bootstrapServers(),
          "--es-url=" + elasticsearch.url(), "--index-prefix=" + prefix, "--group-id=" + group, "--metrics-port=-1"));
      Podman.run(command);
      try {
        // The sink commits an offset only once Elasticsearch acknowledged what it read below it.
        awaitCommitted(admin, group, ends, name);
        HTTP.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + "/" + prefix + "traffic*/_refresh"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode result = search(elasticsearch.url(), prefix, namespace);
        assertThat(result.at("/hits/total/value").asLong()).as("documents of this run").isEqualTo(300);
        assertThat(result.at("/aggregations/bytes/value").asLong()).as("network.bytes of the latest revisions")
            .isEqualTo(expectedBytes);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("the sink's log:\n" + Podman.exec(List.of("logs", "--tail", "60", name)).output(), e);
      } finally {
        Podman.exec(List.of("rm", "-f", "-t", "5", name));
      }
    }
  }

  @Test
  void theClusterStateImageSaysThatThereIsNoApiServer() throws Exception {
    // Outside a cluster: no service account, no kubeconfig. It must say so and exit, not retry for ever.
    Podman.Result result = run(image("cluster-state"), "--bootstrap-servers", "127.0.0.1:9");
    assertThat(result.exit()).as("exit code; output:\n%s", result.output()).isEqualTo(1);
    assertThat(result.output()).contains("no Kubernetes API server at");
  }

  /** The streams image starts its program (what it computes: StreamsImageIT). */
  @Test
  void theStreamsImageStartsTheApp() throws Exception {
    Podman.Result help = run(image("streams"), "--help");
    assertThat(help.exit()).as("output:\n%s", help.output()).isZero();
    assertThat(help.output()).contains("--bootstrap-servers", "--state-dir");
  }

  /** The collector image starts its program (what it captures, and with which privileges: CollectorContainerIT). */
  @Test
  void theCollectorImageStartsTheAgent() throws Exception {
    Podman.Result help = run(image("collector"), "--help");
    assertThat(help.exit()).as("output:\n%s", help.output()).isZero();
    assertThat(help.output()).contains("--bootstrap-servers");
  }

  /**
   * The job jar is where the FlinkDeployments' jarURI says, readable by the image's user, and starts
   * on the image's Java (the application cluster itself: FlinkJobImageIT, nightly).
   */
  @Test
  void theFlinkJobImageHoldsTheJarTheFlinkDeploymentsName() throws Exception {
    for (String job : List.of("traffic-aggregation.yaml", "policy-anomalies.yaml")) {
      JsonNode deployment = DeployTree.read(DeployTree.root().resolve("flink").resolve(job)).get(0).tree();
      String jar = deployment.at("/spec/job/jarURI").asText().replaceFirst("^local://", "");
      List<String> command = new ArrayList<>(List.of("run", "--rm"));
      command.addAll(Podman.LIMITS);
      command.addAll(List.of("--network", "none", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
          "--user", "9999", "--entrypoint", "java", image("flink-job"), "-jar", jar, "--help"));
      Podman.Result help = Podman.exec(command);
      assertThat(help.exit()).as("%s: java -jar %s --help:\n%s", job, jar, help.output()).isZero();
      assertThat(help.output()).contains("--bootstrap-servers");
    }
  }

  private static String image(String name) {
    return "ghcr.io/flowtel/" + name + ":" + VERSION;
  }

  private static ServiceTraffic traffic(String namespace, String client, Instant windowStart, int revision, long bytes) {
    return ServiceTraffic.newBuilder()
        .setWindowStart(windowStart)
        .setWindowEnd(windowStart.plusSeconds(10))
        .setSource(EdgeEndpoint.newBuilder().setNamespace(namespace).setKind("Deployment").setName(client)
            .setNetworkClass(NetworkClass.POD).build())
        .setDestination(EdgeEndpoint.newBuilder().setNamespace(namespace).setKind("Service").setName("server")
            .setNetworkClass(NetworkClass.SERVICE).build())
        .setDestinationPort(8080)
        .setProtocol(6)
        .setBytesToDestination(bytes)
        .setBytesToSource(2 * bytes)
        .setPacketsToDestination(10)
        .setPacketsToSource(12)
        .setFlows(4)
        .setRevision(revision)
        .build();
  }

  private static void createMissing(Admin admin, String... topics) throws Exception {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = java.util.Arrays.stream(topics).filter(t -> !existing.contains(t))
        .map(t -> new NewTopic(t, 1, (short) 1)).toList();
    if (!missing.isEmpty()) {
      NewTopics.create(admin, missing);
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
        .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toMap(tp -> tp,
            tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
    return admin.listOffsets(partitions).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static void awaitCommitted(Admin admin, String group, Map<TopicPartition, Long> ends, String container)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      if (ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
          && committed.get(end.getKey()).offset() >= end.getValue())) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        fail("the sink committed " + committed + ", not " + ends + ", within 3 minutes; its log:\n"
            + Podman.exec(List.of("logs", "--tail", "60", container)).output());
      }
      Thread.sleep(250); // how often to look, not what is waited for
    }
  }

  private static JsonNode search(String url, String prefix, String namespace) throws Exception {
    String body = """
        {"size": 0, "track_total_hits": true,
         "query": {"term": {"flowtel.destination.namespace": "%s"}},
         "aggs": {"bytes": {"sum": {"field": "network.bytes"}}}}""".formatted(namespace);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/" + prefix + "traffic*/_search"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("search: %s", response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Podman.Result run(String image, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("run", "--rm"));
    command.addAll(Podman.LIMITS);
    command.addAll(LOCKED_DOWN);
    command.add(image);
    command.addAll(List.of(args));
    return Podman.exec(command);
  }
}
