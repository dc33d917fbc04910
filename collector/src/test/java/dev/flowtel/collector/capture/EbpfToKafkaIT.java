package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.Collector;
import dev.flowtel.collector.CollectorConfig;
import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.publish.PublishedTopics;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.testing.KafkaFixture;
import dev.flowtel.testing.WithKafka;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end through the real broker: the collector as its command line builds it
 * ({@code --source ebpf}), attached to a veth in namespaces made here; known UDP traffic arrives
 * on the topic as FlowEvents with exact packets and L3 bytes, both directions under one key.
 */
@Tag("ebpf")
@WithKafka
@Timeout(120)
class EbpfToKafkaIT {

  private final KafkaFixture kafka;

  EbpfToKafkaIT(KafkaFixture kafka) {
    this.kafka = kafka;
  }

  @Test
  void capturedUdpReachesTheTopicWithExactCounts() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    String topic = "it.collector.ebpf." + UUID.randomUUID().toString().substring(0, 8);
    try (NetnsLab lab = new NetnsLab()) {
      String client = lab.namespace("c");
      String node = lab.namespace("n");
      String veth = "fk" + lab.id;
      lab.veth(client, "fl" + lab.id, node, veth);
      lab.address(client, "fl" + lab.id, "10.75.0.1/24");
      lab.address(node, veth, "10.75.0.2/24");
      Path spool = Files.createTempDirectory(Path.of("target"), "spool-ebpf-");
      List<String> options = new ArrayList<>(List.of("--source", "ebpf", "--netns", NetnsLab.path(node).toString(),
          "--pod-interfaces", veth, "--idle-timeout", "500ms", "--drain-interval", "200ms",
          "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--spool-dir", spool.toString(),
          "--metrics-port", "-1", "--node-name", "it-node", "--no-enrich")); // no Kubernetes API here
      // The flows reach the publisher when close() drains the kernel tables: it must deliver them, not spool them for a next run.
      options.addAll(PublishedTopics.patientPublisherOptions(Path.of("target")));
      CollectorConfig config = CollectorConfig.parse(options.toArray(String[]::new));

      try (Collector collector = Collector.start(config)) {
        // attached already: the attacher's first pass runs before the source's start() returns
        CountDownLatch bound = new CountDownLatch(1);
        FutureTask<Void> server = NetnsLab.start(node, () -> {
          try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("10.75.0.2", 5353))) {
            bound.countDown();
            for (int i = 0; i < 4; i++) {
              DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
              socket.receive(p);
              socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
          }
          return null;
        });
        assertThat(bound.await(60, TimeUnit.SECONDS)).as("echo server bound").isTrue();
        NetnsLab.inside(client, () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(60_000); // a limit: each echo comes back at once
            for (int size : new int[] {10, 20, 30, 40}) {
              socket.send(new DatagramPacket(new byte[size], size, new InetSocketAddress("10.75.0.2", 5353)));
              socket.receive(new DatagramPacket(new byte[2000], 2000));
            }
          }
          return null;
        });
        server.get();
      } // closing drains the kernel tables into the publisher, which returns once the broker acknowledged them

      assertThat(PublishedTopics.leftInSpool(spool)).as("records left in the spool for a next run").isZero();
      WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
      List<ConsumerRecord<byte[], byte[]>> records = PublishedTopics.readToEnd(kafka.bootstrapServers(), topic);
      List<FlowEvent> udp = records.stream().map(r -> codec.decode(r.value()).orElseThrow())
          .filter(e -> e.getProtocol() == 17 && (e.getDstPort() == 5353 || e.getSrcPort() == 5353)).toList();
      List<FlowEvent> toServer = udp.stream().filter(e -> e.getDirection() == Direction.INGRESS).toList();
      List<FlowEvent> toClient = udp.stream().filter(e -> e.getDirection() == Direction.EGRESS).toList();
      assertThat(toServer.stream().mapToLong(FlowEvent::getPackets).sum()).isEqualTo(4);
      assertThat(toServer.stream().mapToLong(FlowEvent::getBytes).sum()).isEqualTo(4 * (20 + 8) + 100);
      assertThat(toClient.stream().mapToLong(FlowEvent::getPackets).sum()).isEqualTo(4);
      assertThat(toClient.stream().mapToLong(FlowEvent::getBytes).sum()).isEqualTo(4 * (20 + 8) + 100);
      assertThat(udp).extracting(FlowEvent::getNode).containsOnly("it-node");
      // Both directions of the exchange are keyed by the one service edge the stream jobs compute.
      List<String> udpKeys = records.stream()
          .filter(r -> { FlowEvent e = codec.decode(r.value()).orElseThrow();
            return e.getProtocol() == 17 && (e.getDstPort() == 5353 || e.getSrcPort() == 5353); })
          .map(r -> r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).distinct().toList();
      assertThat(udpKeys).containsExactly(new dev.flowtel.core.edge.FlowClassifier().classifyCounted(toServer.getFirst()).edgeKey());
    }
  }
}
