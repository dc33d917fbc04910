package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Given two pods on one node (namespaces a and b, each with a veth to the node namespace, which
 * routes between them) and the capture on both host-side veths, when pod a and pod b exchange
 * UDP, then every packet is counted once: at the host side of the sender's veth (INGRESS), not
 * again when it leaves towards the receiver.
 */
@Tag("ebpf")
class SamePacketTwoHooksIT {

  @Test
  void aPacketBetweenTwoLocalPodsIsCountedOnlyAtTheSendersVeth() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    try (NetnsLab lab = new NetnsLab()) {
      String a = lab.namespace("a");
      String b = lab.namespace("b");
      String node = lab.namespace("n");
      String hostA = "ha" + lab.id;
      String hostB = "hb" + lab.id;
      lab.veth(a, "pa" + lab.id, node, hostA);
      lab.veth(b, "pb" + lab.id, node, hostB);
      lab.address(a, "pa" + lab.id, "10.78.1.2/24");
      lab.address(node, hostA, "10.78.1.1/24");
      lab.address(b, "pb" + lab.id, "10.78.2.2/24");
      lab.address(node, hostB, "10.78.2.1/24");
      NetnsLab.ip("-n", a, "route", "add", "default", "via", "10.78.1.1");
      NetnsLab.ip("-n", b, "route", "add", "default", "via", "10.78.2.1");
      NetnsLab.run("ip", "netns", "exec", node, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");

      List<FlowEvent> events = new ArrayList<>();
      CaptureSettings settings = CaptureSettings.defaults("it-node")
          .withNamespace(NetnsLab.path(node))
          .withPodInterfaces(Pattern.compile("h[ab]" + lab.id))
          .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(200));
      try (EbpfFlowSource source = new EbpfFlowSource(settings)) {
        source.start((flow, key) -> {
          synchronized (events) {
            events.add(flow);
          }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> source.attachedInterfaces().containsAll(List.of(hostA, hostB)));

        java.util.concurrent.CountDownLatch bound = new java.util.concurrent.CountDownLatch(1);
        FutureTask<Void> server = NetnsLab.start(b, () -> {
          try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("10.78.2.2", 7000))) {
            bound.countDown();
            for (int i = 0; i < 3; i++) {
              DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
              socket.receive(p);
              socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
          }
          return null;
        });
        assertThat(bound.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("echo server bound").isTrue();
        NetnsLab.inside(a, () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(60_000); // a limit: each echo comes back at once
            for (int size : new int[] {100, 200, 300}) {
              socket.send(new DatagramPacket(new byte[size], size, new InetSocketAddress(InetAddress.getByName("10.78.2.2"), 7000)));
              socket.receive(new DatagramPacket(new byte[2000], 2000));
            }
          }
          return null;
        });
        server.get();
      }

      List<FlowEvent> aToB = events.stream().filter(e -> e.getProtocol() == 17 && e.getDstPort() == 7000).toList();
      List<FlowEvent> bToA = events.stream().filter(e -> e.getProtocol() == 17 && e.getSrcPort() == 7000).toList();
      assertThat(aToB).extracting(FlowEvent::getInterfaceName, FlowEvent::getDirection).containsOnly(
          org.assertj.core.groups.Tuple.tuple(hostA, Direction.INGRESS));
      assertThat(bToA).extracting(FlowEvent::getInterfaceName, FlowEvent::getDirection).containsOnly(
          org.assertj.core.groups.Tuple.tuple(hostB, Direction.INGRESS));
      assertThat(aToB.stream().mapToLong(FlowEvent::getPackets).sum()).isEqualTo(3);
      assertThat(aToB.stream().mapToLong(FlowEvent::getBytes).sum()).isEqualTo(3 * 28 + 600);
      assertThat(bToA.stream().mapToLong(FlowEvent::getPackets).sum()).isEqualTo(3);
      assertThat(bToA.stream().mapToLong(FlowEvent::getBytes).sum()).isEqualTo(3 * 28 + 600);
    }
  }
}
