package dev.flowtel.collector.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.NetworkNamespace;
import dev.flowtel.collector.publish.PublishedTopics;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.Podman;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The collector's image, run by a real container runtime with exactly the DaemonSet's security
 * context (translated from the manifest by {@link DaemonSetContainer}): every capability dropped but
 * the manifest's, read-only root filesystem, its host mounts, host network, not privileged, no
 * privilege escalation. A "pod" is a network namespace whose veth's host side is named like
 * Calico's; its UDP exchange with the host must reach the topic with exact counts, and each added
 * capability must be needed: without it the collector fails, naming it.
 */
@Tag("ebpf")
@WithKafka
@Timeout(900)
class CollectorContainerIT {

  private static final Path MANIFEST = Podman.repositoryRoot().resolve("deploy/base/collector-daemonset.yaml");
  private static final String IMAGE_BUILT_HERE = "ghcr.io/flowtel/collector:0.1.0";

  private final KafkaFixture kafka;

  CollectorContainerIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @BeforeAll
  static void buildTheImage() throws Exception {
    String reason = Podman.unavailableReason();
    assumeThat(reason).as("containers cannot run here: %s", reason).isNull();
    String bpf = BpfSupport.unavailableReason();
    assumeThat(bpf).as("eBPF not permitted here: %s", bpf).isNull();
    Podman.buildImages("collector");
  }

  @Test
  void capturesPodTrafficWithTheDaemonSetsPrivilegesOnly() throws Exception {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF), 36);
    String topic = "it.collector.container." + id;
    try (Pod pod = new Pod(id)) {
      DaemonSetContainer container = container(id);
      assertThat(container.image()).isEqualTo(IMAGE_BUILT_HERE);
      String name = "flowtel-collector-it-" + id;
      start(name, container.options(), collectorArgs(container, pod, topic));
      try {
        awaitAttached(name, pod.hostInterface);
        pod.udpExchange();
        // SIGTERM, as the kubelet stops a pod: the collector drains the kernel tables and delivers them.
        Podman.run(List.of("stop", "-t", "120", name));
        String logs = Podman.run(List.of("logs", name));
        // 143: the JVM's status after SIGTERM once its shutdown hook (the drain) has run.
        assertThat(exitCode(name)).as("collector's exit code; its log:\n%s", logs).isIn(0, 143);
        assertThat(logs).contains("detached flow capture from " + pod.hostInterface);
      } finally {
        Podman.exec(List.of("rm", "-f", name));
      }
      assertThat(PublishedTopics.leftInSpool(pod.spool)).as("records left in the spool").isZero();

      WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
      List<FlowEvent> exchange = PublishedTopics.readToEnd(kafka.bootstrapServers(), topic).stream()
          .map(r -> codec.decode(r.value()).orElseThrow())
          .filter(e -> e.getProtocol() == 17 && (e.getDstPort() == Pod.PORT || e.getSrcPort() == Pod.PORT))
          .toList();
      assertThat(exchange).extracting(FlowEvent::getNode).containsOnly("container-node");
      // Four datagrams each way: IPv4 + UDP headers (28 bytes) plus 10+20+30+40 bytes of payload.
      assertThat(exchange.stream().mapToLong(FlowEvent::getPackets).sum()).isEqualTo(8);
      assertThat(exchange.stream().mapToLong(FlowEvent::getBytes).sum()).isEqualTo(2 * (4 * 28 + 100));
    }
  }

  static Stream<String> addedCapabilities() throws IOException {
    return container("caps").capabilities().stream();
  }

  @ParameterizedTest(name = "without CAP_{0}")
  @MethodSource("addedCapabilities")
  void failsNamingEachCapabilityTheManifestAdds(String capability) throws Exception {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF), 36);
    try (Pod pod = new Pod(id)) {
      DaemonSetContainer container = container(id);
      String name = "flowtel-collector-it-" + id;
      start(name, container.optionsWithout(capability), collectorArgs(container, pod, "it.collector.caps." + id));
      try {
        String logs = awaitExitOrAttached(name, pod.hostInterface);
        assertThat(logs).as("the collector ran without CAP_%s: the manifest need not add it", capability)
            .doesNotContain("attached flow capture to " + pod.hostInterface);
        assertThat(exitCode(name)).as("exit code; log:\n%s", logs).isEqualTo(1);
        assertThat(logs).as("the failure names the capability").contains("CAP_" + capability);
      } finally {
        Podman.exec(List.of("rm", "-f", name));
      }
    }
  }

  private static DaemonSetContainer container(String id) throws IOException {
    Path scratch = Files.createDirectories(Path.of("target", "container-it", id)).toAbsolutePath();
    Path kafkaClient = Files.createDirectories(scratch.resolve("kafka-client"));
    // The ConfigMap's file: a producer that waits for a busy broker rather than spooling at close().
    Files.writeString(kafkaClient.resolve("kafka.properties"), "max.block.ms=60000\n");
    return DaemonSetContainer.fromManifest(MANIFEST, "collector", new DaemonSetContainer.Node("container-node", Map.of(
        "kafka-client", kafkaClient,
        "spool", Files.createDirectories(scratch.resolve("spool")),
        "tmp", Files.createDirectories(scratch.resolve("tmp")))));
  }

  /** The manifest's arguments pointed at this test's broker and topic; only timings and scope are the test's own. */
  private List<String> collectorArgs(DaemonSetContainer container, Pod pod, String topic) throws IOException {
    return container.argsWith(
        Map.of("--bootstrap-servers", kafka.bootstrapServers(), "--metrics-port", Integer.toString(freePort())),
        List.of("--topic", topic,
            "--no-enrich", // no Kubernetes API server here
            "--pod-interfaces", pod.hostInterface, // not the veths of tests running beside this one
            "--idle-timeout", "500ms", "--drain-interval", "200ms",
            "--spill-after", "60s", "--shutdown-timeout", "60s"));
  }

  private static void start(String name, List<String> options, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name));
    command.addAll(Podman.LIMITS);
    command.addAll(options);
    command.add(IMAGE_BUILT_HERE);
    command.addAll(args);
    Podman.run(command);
  }

  private static void awaitAttached(String name, String hostInterface) throws Exception {
    String logs = awaitExitOrAttached(name, hostInterface);
    assertThat(logs).as("collector log").contains("attached flow capture to " + hostInterface);
  }

  /** Polls the container until it has exited or logged its attachment; returns its log. */
  private static String awaitExitOrAttached(String name, String hostInterface) throws Exception {
    while (true) {
      String logs = Podman.run(List.of("logs", name));
      if (logs.contains("attached flow capture to " + hostInterface)) {
        return logs;
      }
      String state = Podman.run(List.of("inspect", "--format", "{{.State.Status}}", name)).strip();
      if (state.equals("exited") || state.equals("stopped")) {
        return Podman.run(List.of("logs", name));
      }
      Thread.sleep(200);
    }
  }

  private static int exitCode(String name) throws Exception {
    return Integer.parseInt(Podman.run(List.of("inspect", "--format", "{{.State.ExitCode}}", name)).strip());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * A pod of one node: a network namespace whose {@code eth0} is a veth with its host side (named
   * like Calico's) in the root namespace, where this test plays the peer the pod talks to.
   */
  private static final class Pod implements AutoCloseable {

    static final int PORT = 5353;
    final String namespace;
    final String hostInterface;
    final Path spool;
    private final String podAddress;
    private final String hostAddress;

    Pod(String id) throws IOException {
      namespace = "ftct" + id;
      hostInterface = "calict" + id;
      int subnet = ThreadLocalRandom.current().nextInt(1, 250);
      podAddress = "10.214." + subnet + ".1";
      hostAddress = "10.214." + subnet + ".2";
      spool = Path.of("target", "container-it", id, "spool").toAbsolutePath();
      ip("netns", "add", namespace);
      ip("link", "add", hostInterface, "type", "veth", "peer", "name", "eth0", "netns", namespace);
      ip("-n", namespace, "link", "set", "lo", "up");
      ip("-n", namespace, "addr", "add", podAddress + "/24", "dev", "eth0");
      ip("-n", namespace, "link", "set", "eth0", "up");
      ip("addr", "add", hostAddress + "/24", "dev", hostInterface);
      ip("link", "set", hostInterface, "up");
    }

    /** Four datagrams from the pod to the host, each echoed back. */
    void udpExchange() throws Exception {
      CountDownLatch bound = new CountDownLatch(1);
      FutureTask<Void> echo = new FutureTask<>(() -> {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(hostAddress, PORT))) {
          bound.countDown();
          for (int i = 0; i < 4; i++) {
            DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
            socket.receive(p);
            socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
          }
        }
        return null;
      });
      Thread.ofPlatform().daemon(true).start(echo);
      assertThat(bound.await(60, TimeUnit.SECONDS)).as("echo server bound").isTrue();
      FutureTask<Void> client = new FutureTask<>(() -> {
        NetworkNamespace.enter(Path.of("/var/run/netns", namespace));
        try (DatagramSocket socket = new DatagramSocket()) {
          socket.setSoTimeout(60_000); // a limit: each echo comes back at once
          for (int size : new int[] {10, 20, 30, 40}) {
            socket.send(new DatagramPacket(new byte[size], size, new InetSocketAddress(hostAddress, PORT)));
            socket.receive(new DatagramPacket(new byte[2000], 2000));
          }
        }
        return null;
      });
      Thread.ofPlatform().start(client);
      client.get();
      echo.get();
    }

    @Override
    public void close() throws IOException {
      // Deleting the host side deletes the pair; the namespace goes with nothing left open in it.
      runQuietly("ip", "link", "del", hostInterface);
      runQuietly("ip", "netns", "del", namespace);
    }

    private static void ip(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of("ip"));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    private static void runQuietly(String... command) {
      try {
        new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
      } catch (IOException | InterruptedException e) {
        // cleanup is best effort; a leftover is named by its unique id
      }
    }
  }
}
