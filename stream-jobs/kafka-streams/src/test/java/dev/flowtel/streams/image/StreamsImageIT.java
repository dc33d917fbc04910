package dev.flowtel.streams.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.streams.testing.AppProgress;
import dev.flowtel.streams.testing.AppTopics;
import dev.flowtel.streams.testing.FinalRevisions;
import dev.flowtel.streams.testing.SimulatedInput;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.Podman;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka Streams app's image, run by a real container runtime as its StatefulSet runs it
 * (non-root 10001, read-only root filesystem with /tmp and the state directory mounted, every
 * capability dropped; RocksDB's native library must find its way), does the app's job on a real
 * broker: the ServiceTraffic a read_committed consumer sees at final revisions equals what the
 * TopologyTestDriver computes for the same simulated input.
 */
@WithKafka
@Timeout(600)
class StreamsImageIT {

  @Test
  void theImageAggregatesTrafficAsTheAppDoes(KafkaFixture kafka) throws Exception {
    String reason = Podman.unavailableReason();
    assumeThat(reason).as("containers cannot run here: %s", reason).isNull();
    Podman.buildImages("streams");

    AppTopics topics = AppTopics.create(kafka.bootstrapServers(), "image", 1);
    Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    SimulatedInput input = SimulatedInput.of(SimulatorSettings.defaults().withSeed(31).withFlowsPerSecond(20)
        .withDuration(Duration.ofMinutes(2)).withStart(start));
    String[] detection = {"--learning-period", "1m", "--window", "10s", "--rollup", "1m"};
    input.appendClockFlow(detection);
    input.produceState(kafka.bootstrapServers(), topics.state());
    input.produceFlows(kafka.bootstrapServers(), topics.flows(), 0, input.flows.size());
    CompletableFuture<SimulatedInput.Expected> expected = input.expectedMeanwhile(detection);

    Path scratch = Files.createDirectories(Path.of("target", "image-it", topics.run())).toAbsolutePath();
    Path kafkaClient = Files.createDirectories(scratch.resolve("kafka-client"));
    Files.writeString(kafkaClient.resolve("kafka.properties"), "");
    Path state = Files.createDirectories(scratch.resolve("state"));
    Path tmp = Files.createDirectories(scratch.resolve("tmp"));
    for (Path writable : List.of(state, tmp)) {
      Files.setAttribute(writable, "unix:uid", 10001); // the pod's fsGroup makes its volumes the user's
    }
    int httpPort = freePort();
    String applicationId = "image-" + topics.run();
    String name = "flowtel-streams-it-" + topics.run();
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name));
    command.addAll(Podman.LIMITS);
    command.addAll(List.of("--network", "host", "--user", "10001", "--read-only", "--read-only-tmpfs=false",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "-v", kafkaClient + ":/etc/flowtel/kafka:ro", "-v", state + ":/var/lib/flowtel/streams", "-v", tmp + ":/tmp",
        "-e", "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError",
        "ghcr.io/flowtel/streams:0.1.0",
        "--bootstrap-servers=" + kafka.bootstrapServers(), "--kafka-properties=/etc/flowtel/kafka/kafka.properties",
        "--application-id=" + applicationId, "--state-dir=/var/lib/flowtel/streams",
        "--http-port=" + httpPort, "--advertised-http=127.0.0.1:" + httpPort,
        "--commit-interval", "500ms", "--idleness", "1h"));
    command.addAll(topics.options());
    command.addAll(List.of(detection));
    Podman.run(command);
    try {
      AppProgress.awaitAllInputCommitted(kafka.bootstrapServers(), applicationId, topics.flows(), Duration.ofSeconds(300));
      List<ServiceTraffic> expectedTraffic = expected.get(180, TimeUnit.SECONDS).traffic();
      WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
      List<ServiceTraffic> actual = SimulatedInput.readCommitted(kafka.bootstrapServers(), topics.traffic(), Duration.ofSeconds(60))
          .stream().map(r -> codec.decode(r.value()).orElseThrow()).toList();
      assertThat(actual).isNotEmpty();
      assertThat(FinalRevisions.traffic(actual)).isEqualTo(FinalRevisions.traffic(expectedTraffic));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("the container's log:\n" + Podman.exec(List.of("logs", name)).output(), e);
    } finally {
      Podman.exec(List.of("rm", "-f", name));
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
