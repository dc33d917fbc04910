package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With the drops and RTT switches on: UDP to a port nobody listens on is dropped by the receiving
 * kernel (reason NO_SOCKET) and reported as a DROPPED record, over IPv6 also behind an extension
 * header; a TCP exchange gets its smoothed RTT.
 */
@Tag("ebpf")
class CaptureFeaturesIT {

  /** A limit for each state waited for; a passing run takes a second or two. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @Test
  void dropsCarryTheKernelsReasonAndTcpFlowsTheirRtt() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    try (NetnsLab lab = new NetnsLab()) {
      String client = lab.namespace("c");
      String node = lab.namespace("n");
      String veth = "fd" + lab.id;
      lab.veth(client, "fe" + lab.id, node, veth);
      lab.address(client, "fe" + lab.id, "10.76.0.1/24");
      lab.address(node, veth, "10.76.0.2/24");
      lab.address(client, "fe" + lab.id, "fd76::1/64");
      lab.address(node, veth, "fd76::2/64");

      List<FlowEvent> events = new ArrayList<>();
      CaptureSettings settings = NetnsLab.captureOn(node, veth).withFeatures(true, true);
      try (EbpfFlowSource source = new EbpfFlowSource(settings)) {
        source.start((flow, key) -> {
          synchronized (events) {
            events.add(flow);
          }
        });
        await().atMost(LIMIT).until(() -> source.attachedInterfaces().contains(veth));

        NetnsLab.inside(client, () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 2; i++) {
              socket.send(new DatagramPacket(new byte[50], 50, new InetSocketAddress("10.76.0.2", 9)));
            }
            // Dropped inside this namespace, not the one captured in: its ifindex names nothing there.
            socket.send(new DatagramPacket(new byte[20], 20, new InetSocketAddress("10.76.0.1", 9)));
          }
          try {
            DestinationOptionsDatagram.send((java.net.Inet6Address) java.net.InetAddress.getByName("fd76::2"), 9, 3, 30);
          } catch (Throwable t) {
            throw new IllegalStateException(t);
          }
          return null;
        });
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        FutureTask<Void> server = NetnsLab.start(node, () -> {
          try (ServerSocket listener = new ServerSocket(7070, 1, java.net.InetAddress.getByName("10.76.0.2"))) {
            listening.countDown();
            try (Socket s = listener.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 20; i++) {
              in.readFully(new byte[100]);
              s.getOutputStream().write(new byte[100]);
            }
            }
          }
          return null;
        });
        assertThat(listening.await(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("server listening").isTrue();
        NetnsLab.inside(client, () -> {
          try (Socket s = new Socket("10.76.0.2", 7070)) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 20; i++) {
              s.getOutputStream().write(new byte[100]);
              in.readFully(new byte[100]);
            }
          }
          return null;
        });
        server.get();
        // Each drop is reported once the kernel freed the datagram and the flow went idle: wait
        // until the drained records hold them all (their exact sums are checked below) ...
        await().atMost(LIMIT).untilAsserted(() -> {
          synchronized (events) {
            assertThat(drops(events, 4, 2).stream().mapToLong(FlowEvent::getDrops).sum()).isGreaterThanOrEqualTo(2);
            assertThat(drops(events, 4, 1)).isNotEmpty();
            assertThat(drops(events, 16, 2).stream().mapToLong(FlowEvent::getDrops).sum()).isGreaterThanOrEqualTo(3);
          }
        });
        // ... and until both sides of the TCP connection are done with it (every segment crossed the veth).
        await().atMost(LIMIT).until(() -> NetnsLab.tcpConnectionsDone(client, 7070) && NetnsLab.tcpConnectionsDone(node, 7070));
      }

      List<FlowEvent> drops = events.stream().filter(e -> e.getVerdict() == Verdict.DROPPED && e.getProtocol() == 17 && e.getDstPort() == 9
          && e.getDstAddr().remaining() == 4 && (e.getDstAddr().get(e.getDstAddr().position() + 3) & 0xFF) == 2).toList();
      assertThat(drops).isNotEmpty();
      assertThat(drops.stream().mapToLong(FlowEvent::getDrops).sum()).isEqualTo(2);
      assertThat(drops.stream().mapToLong(FlowEvent::getDropBytes).sum()).isEqualTo(2 * (20 + 8 + 50));
      assertThat(drops).extracting(FlowEvent::getDropReason).containsOnly("NO_SOCKET");
      assertThat(drops).extracting(FlowEvent::getDirection).containsOnly(Direction.UNKNOWN);
      assertThat(drops).extracting(e -> String.valueOf(e.getInterfaceName())).as("dropped behind the captured veth").containsOnly(veth);
      List<FlowEvent> elsewhere = events.stream().filter(e -> e.getVerdict() == Verdict.DROPPED && e.getDstPort() == 9
          && e.getDstAddr().remaining() == 4 && (e.getDstAddr().get(e.getDstAddr().position() + 3) & 0xFF) == 1).toList();
      assertThat(elsewhere).as("dropped in the client's namespace").isNotEmpty()
          .allSatisfy(e -> assertThat(e.getInterfaceIndex()).as("an ifindex of another namespace").isNull());
      List<FlowEvent> drops6 = events.stream().filter(e -> e.getVerdict() == Verdict.DROPPED && e.getDstAddr().remaining() == 16
          && e.getDstPort() == 9).toList();
      assertThat(drops6).as("IPv6 drops, UDP found behind the destination options header").isNotEmpty()
          .allSatisfy(e -> {
            assertThat(e.getProtocol()).isEqualTo(17);
            assertThat(e.getDropReason()).isEqualTo("NO_SOCKET");
          });
      assertThat(drops6.stream().mapToLong(FlowEvent::getDrops).sum()).isEqualTo(3);
      assertThat(drops6.stream().mapToLong(FlowEvent::getDropBytes).sum())
          .isEqualTo(3 * (40 + DestinationOptionsDatagram.HEADER_BYTES + 8 + 30));

      List<FlowEvent> tcp = events.stream().filter(e -> e.getProtocol() == 6 && (e.getDstPort() == 7070 || e.getSrcPort() == 7070)).toList();
      assertThat(tcp).isNotEmpty();
      assertThat(tcp).allSatisfy(e -> assertThat(e.getTcpRttMicros()).isNotNull().isPositive());
    }
  }

  /** DROPPED UDP records to port 9 of the address ending in {@code lastByte}, of {@code addressBytes} (4: IPv4, 16: IPv6). */
  private static List<FlowEvent> drops(List<FlowEvent> events, int addressBytes, int lastByte) {
    return events.stream().filter(e -> e.getVerdict() == Verdict.DROPPED && e.getDstPort() == 9 && e.getDstAddr().remaining() == addressBytes
        && (e.getDstAddr().get(e.getDstAddr().position() + addressBytes - 1) & 0xFF) == lastByte).toList();
  }
}
