package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.localstack.LocalPorts;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.FlowtelTopics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.kafka.WireDeserializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real packets through the whole local pipeline, as a user meets it on a node: three pods (network
 * namespaces on a bridge, host-side veths named like Calico's), {@code ./flowtel up --source ebpf}
 * (the collector's TC programs on those veths, the Flink jobs, the Elasticsearch sink), a benign
 * client that keeps making HTTP-like requests to a server pod, and {@code nmap -sS} from a third pod
 * probing 2,000 ports of the server. It asserts what a user relies on: the port scan reaches the
 * anomalies topic and Elasticsearch naming the scanner's and the target's addresses; the benign
 * client is named by no anomaly; and the probes cost the traffic index a few documents, not one per
 * probed port. Every wait is for a state (a flow captured, an anomaly committed, a document
 * searchable), with a generous limit as a safety net; timings belong to {@code ./flowtel bench}.
 */
@Timeout(900)
class RealPacketScanIT {

  private static final Duration AT_MOST = Duration.ofMinutes(6);
  private static final int SERVICE_PORT = 8080;
  private static final int SCANNED_PORTS = 2000;
  /** One scan lasting seconds falls in at most two base windows and two rollup windows. */
  private static final long MOST_SCAN_DOCUMENTS = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path state = Path.of("target", "flowtel-it", "scan-" + UUID.randomUUID()).toAbsolutePath();

  @Test
  void aPortScanFromAPodIsReportedWithItsAddressesAndCostsTheTrafficIndexAFewDocuments() throws Exception {
    String bpf = BpfSupport.unavailableReason();
    assumeTrue(bpf == null, () -> "skipped: eBPF is not available here (" + bpf + ")");
    assumeTrue(onPath("nmap"), "skipped: nmap is not installed (.ci/run installs it)");

    try (PodNetworkLab lab = new PodNetworkLab()) {
      PodNetworkLab.Host target = lab.host("t");
      PodNetworkLab.Host client = lab.host("c");
      PodNetworkLab.Host scanner = lab.host("s");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong served = new AtomicLong();
      AtomicLong requests = new AtomicLong();
      ServerSocket server = serve(target, running, served);

      int kafkaPort = LocalPorts.free();
      int esPort = LocalPorts.free();
      String es = "http://127.0.0.1:" + esPort;
      String bootstrap = "127.0.0.1:" + kafkaPort;
      UpRun up = UpRun.start(AT_MOST, "--source", "ebpf", "--state-dir", state.toString(), "--kafka-port", "" + kafkaPort,
          "--es-port", "" + esPort, "--kafka-heap", "512m", "--es-heap", "512m", "--duration", "30m", "--window", "5s");
      try {
        up.until(() -> Files.exists(state.resolve("endpoints.properties")), "up to write where its servers are");
        up.until(() -> up.printed().contains("] running for "), "up to run");
        benignClient(client, target, running, requests);

        // The capture is live once the benign client's own flows are on the flows topic.
        try (KafkaConsumer<String, DecodeResult<FlowEvent>> flows = consumer(bootstrap, RecordType.FLOW_EVENT)) {
          flows.subscribe(List.of(FlowtelTopics.FLOWS));
          up.until(() -> received(flows).stream().anyMatch(f ->
              address(f.getSrcAddr().array()).equals(client.address()) && address(f.getDstAddr().array()).equals(target.address())
                  && f.getDstPort() == SERVICE_PORT), "a captured flow of the benign client");
        }

        Path nmapOutput = state.resolve("nmap.txt");
        Process nmap = PodNetworkLab.exec(scanner, nmapOutput, "nmap", "-sS", "-Pn", "-T4", "-n", "-p", "1-" + SCANNED_PORTS,
            target.address());
        assertThat(nmap.waitFor(AT_MOST.toSeconds(), TimeUnit.SECONDS)).as("nmap ends").isTrue();
        assertThat(nmap.exitValue()).as("nmap: %s", Files.readString(nmapOutput)).isZero();
        assertThat(Files.readString(nmapOutput)).as("nmap saw the target's closed ports").contains("closed");
        Instant scanEnded = Instant.now();

        // The scan reaches the anomalies topic, committed, naming the scanner and its target.
        List<PolicyAnomaly> anomalies = new ArrayList<>();
        PolicyAnomaly scan;
        try (KafkaConsumer<String, DecodeResult<PolicyAnomaly>> topic = consumer(bootstrap, RecordType.POLICY_ANOMALY)) {
          topic.subscribe(List.of(FlowtelTopics.ANOMALIES));
          Predicate<PolicyAnomaly> isTheScan = a -> a.getType() == AnomalyType.PORT_SCAN
              && a.getSummary().contains(scanner.address()) && a.getSummary().contains(target.address());
          up.until(() -> {
            anomalies.addAll(received(topic));
            return anomalies.stream().anyMatch(isTheScan);
          }, "a PORT_SCAN anomaly naming " + scanner.address() + " and " + target.address());
          scan = anomalies.stream().filter(isTheScan).findFirst().orElseThrow();
        }
        assertThat(scan.getEvidence().getCounters().get("distinctPorts")).as("ports probed in the reported window")
            .isBetween(50L, (long) SCANNED_PORTS);
        assertThat(scan.getEvidence().getSampleFlows()).as("the scan's sample flows").isNotEmpty()
            .allSatisfy(sample -> {
              assertThat(sample.getSrcAddr()).isEqualTo(scanner.address());
              assertThat(sample.getDstAddr()).isEqualTo(target.address());
            });

        // ... and Elasticsearch, as one alert document with the addresses in ECS fields.
        JsonNode alert = up.forValue(() -> firstHit(es, "flowtel-anomalies",
            "{\"query\":{\"term\":{\"event.id\":\"" + scan.getId() + "\"}}}"), "the scan's anomaly document");
        assertThat(alert.path("flowtel").path("anomaly").path("type").asText()).isEqualTo("PORT_SCAN");
        assertThat(alert.path("source").path("ip").asText()).isEqualTo(scanner.address());
        assertThat(alert.path("destination").path("ip").asText()).isEqualTo(target.address());
        assertThat(alert.path("message").asText()).contains(scanner.address()).contains(target.address());

        // Every window holding the scan has closed once the benign edge's rollup window that holds
        // the scan's end is searchable (windows of one end close at one watermark).
        String benignRollupAfterScan = "{\"query\":{\"bool\":{\"filter\":["
            + "{\"term\":{\"destination.port\":" + SERVICE_PORT + "}},"
            + "{\"term\":{\"event.duration\":" + Duration.ofMinutes(1).toNanos() + "}},"
            + "{\"range\":{\"event.end\":{\"gt\":\"" + scanEnded + "\"}}}]}}}";
        up.forValue(() -> firstHit(es, "flowtel-traffic", benignRollupAfterScan), "the benign edge's rollup after the scan");
        assertThat(anomalies).as("anomalies naming the benign client " + client.address())
            .noneMatch(a -> names(a, client.address()));

        String notTheBenignEdge = "{\"query\":{\"bool\":{\"must_not\":[{\"term\":{\"destination.port\":" + SERVICE_PORT + "}}]}},"
            + "\"aggs\":{\"edges\":{\"terms\":{\"field\":\"flowtel.edge.name\",\"size\":20}}}}";
        JsonNode others = search(es, "flowtel-traffic", notTheBenignEdge);
        long scanDocuments = others.path("hits").path("total").path("value").asLong();
        assertThat(scanDocuments).as("traffic documents besides the benign edge, after %d probed ports: %s", SCANNED_PORTS,
            others.path("aggregations").path("edges").path("buckets")).isBetween(1L, MOST_SCAN_DOCUMENTS);
        assertThat(requests.get()).as("benign requests answered").isEqualTo(served.get()).isPositive();
      } finally {
        running.set(false);
        server.close();
        try {
          assertThat(up.stop()).as("up's exit code").isZero();
        } finally {
          up.close();
        }
      }
    }
  }

  /** A server pod answering every connection on {@link #SERVICE_PORT} with a short response, until its socket is closed. */
  private static ServerSocket serve(PodNetworkLab.Host target, AtomicBoolean running, AtomicLong served) throws Exception {
    FutureTask<ServerSocket> bound = new FutureTask<>(() -> {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByName(target.address()), SERVICE_PORT));
      return socket;
    });
    Thread binder = PodNetworkLab.inside(target, "bind-in-" + target.namespace(), bound);
    binder.join();
    ServerSocket server = bound.get();
    Thread.ofPlatform().name("serve-" + target.namespace()).daemon().start(() -> {
      try (server) {
        while (running.get()) {
          try (Socket connection = server.accept()) {
            connection.getInputStream().read(new byte[256]);
            connection.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            served.incrementAndGet();
          } catch (IOException ignored) {
            // A client gone mid-request: the next one is served.
          }
        }
      } catch (IOException ignored) {
        // The server pod stops with the test.
      }
    });
    return server;
  }

  /** A client pod making one request every 200 ms on a new connection, as a health check or a cron job would. */
  private static void benignClient(PodNetworkLab.Host client, PodNetworkLab.Host target, AtomicBoolean running,
      AtomicLong requests) {
    PodNetworkLab.inside(client, "client-in-" + client.namespace(), () -> {
      while (running.get()) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(target.address(), SERVICE_PORT), 5_000);
          socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          InputStream in = socket.getInputStream();
          if (in.readAllBytes().length > 0) {
            requests.incrementAndGet();
          }
          Thread.sleep(200);
        } catch (IOException e) {
          // Counted by the comparison of requests and answers at the end.
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private static boolean names(PolicyAnomaly anomaly, String address) {
    return anomaly.getSummary().contains(address) || anomaly.getEvidence().getSampleFlows().stream()
        .map(FlowSample::getSrcAddr).anyMatch(address::equals);
  }

  private static <T extends org.apache.avro.specific.SpecificRecordBase> KafkaConsumer<String, DecodeResult<T>> consumer(
      String bootstrap, RecordType<T> type) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "scan-it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new WireDeserializer<>(type));
  }

  private static <T> List<T> received(KafkaConsumer<String, DecodeResult<T>> consumer) {
    List<T> records = new ArrayList<>();
    for (ConsumerRecord<String, DecodeResult<T>> r : consumer.poll(Duration.ofMillis(500))) {
      if (r.value() instanceof DecodeResult.Decoded<T> decoded) {
        records.add(decoded.record());
      }
    }
    return records;
  }

  private static String address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (IOException e) {
      return "?";
    }
  }

  private static JsonNode firstHit(String es, String index, String query) {
    JsonNode hits = search(es, index, query).path("hits").path("hits");
    return hits.isEmpty() ? null : hits.get(0).path("_source");
  }

  private static JsonNode search(String es, String index, String query) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(es + "/" + index + "/_search?ignore_unavailable=true&track_total_hits=true"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
