package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Given two namespaces joined by a veth, with the capture attached to the "node" end (in the
 * second namespace, as on a pod veth's host side), when known TCP, UDP and ICMP traffic crosses
 * it over IPv4 and IPv6, then the FlowEvents carry exactly its packets and L3 bytes, per
 * direction. UDP and ICMP counts follow from what was sent; TCP packet counts are the sending
 * kernel's own segment counters (/proc/net/snmp OutSegs), and its bytes follow by arithmetic.
 */
@Tag("ebpf")
class EbpfCaptureIT {

  private static final int TCP_V4_PORT = 8080;
  private static final int TCP_V6_PORT = 8086;
  private static final int UDP_V4_PORT = 9999;
  private static final int UDP_V6_PORT = 9996;
  /** A limit for each state waited for; a passing run takes milliseconds. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static NetnsLab lab;
  private static String client;
  private static String node;
  private static String nodeVeth;
  private static final List<FlowEvent> events = new ArrayList<>();
  private static final Map<String, long[]> tcpSegments = new java.util.HashMap<>();

  @BeforeAll
  static void captureKnownTraffic() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    lab = new NetnsLab();
    client = lab.namespace("c");
    node = lab.namespace("n");
    nodeVeth = "fn" + lab.id;
    lab.veth(client, "fc" + lab.id, node, nodeVeth);
    lab.address(client, "fc" + lab.id, "10.77.0.1/24");
    lab.address(node, nodeVeth, "10.77.0.2/24");
    lab.address(client, "fc" + lab.id, "fd77::1/64");
    lab.address(node, nodeVeth, "fd77::2/64");

    CaptureSettings settings = NetnsLab.captureOn(node, nodeVeth);
    FlowSink sink = (flow, key) -> {
      synchronized (events) {
        events.add(flow);
      }
    };
    try (EbpfFlowSource source = new EbpfFlowSource(settings)) {
      source.start(sink);
      await().atMost(LIMIT).until(() -> source.attachedInterfaces().contains(nodeVeth));

      tcp(InetAddress.getByName("10.77.0.2"), TCP_V4_PORT, "v4");
      tcp(InetAddress.getByName("fd77::2"), TCP_V6_PORT, "v6");
      udp(InetAddress.getByName("10.77.0.2"), UDP_V4_PORT);
      udp(InetAddress.getByName("fd77::2"), UDP_V6_PORT);
      long echoReplies = NetnsLab.counters(client, "Icmp").get("InEchoReps");
      long echo6Replies = NetnsLab.ipv6Counter(client, "Icmp6InEchoReplies");
      NetnsLab.inside(client, () -> {
        try {
          RawPing.send(InetAddress.getByName("10.77.0.2"), 3, 56);
          RawPing.send(InetAddress.getByName("fd77::2"), 3, 56);
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
        return null;
      });
      // The echo replies have passed the captured veth once the client's kernel has received them.
      await().atMost(LIMIT).until(() -> NetnsLab.counters(client, "Icmp").get("InEchoReps") - echoReplies >= 3
          && NetnsLab.ipv6Counter(client, "Icmp6InEchoReplies") - echo6Replies >= 3);
    } // close(): detach, then drain both tables into the sink
  }

  @AfterAll
  static void removeNamespaces() {
    if (lab != null) {
      lab.close();
    }
  }

  /** Client sends 1000 bytes, server answers 2000, both close; records each side's OutSegs. */
  private static void tcp(InetAddress server, int port, String label) throws Exception {
    long clientBefore = NetnsLab.tcpCounters(client).get("OutSegs");
    long nodeBefore = NetnsLab.tcpCounters(node).get("OutSegs");
    FutureTask<Void> serverTask = NetnsLab.start(node, () -> {
      try (ServerSocket listener = new ServerSocket()) {
        listener.bind(new InetSocketAddress(server, port));
        synchronized (tcpSegments) {
          tcpSegments.put(label + "-listening", new long[0]);
          tcpSegments.notifyAll();
        }
        try (Socket s = listener.accept()) {
          new DataInputStream(s.getInputStream()).readFully(new byte[1000]);
          s.getOutputStream().write(new byte[2000]);
          s.shutdownOutput();
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // until the client's FIN
          }
        }
      }
      return null;
    });
    synchronized (tcpSegments) {
      while (!tcpSegments.containsKey(label + "-listening")) {
        tcpSegments.wait(5000);
      }
    }
    NetnsLab.inside(client, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(server, port), (int) LIMIT.toMillis());
        OutputStream out = s.getOutputStream();
        out.write(new byte[1000]);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readFully(new byte[2000]);
        while (in.read() >= 0) {
          // until the server's FIN
        }
      }
      return null;
    });
    serverTask.get();
    // The server closed first: the client's socket goes once the server's last ACK reached it, and
    // the server's waits in TIME_WAIT. Then every segment has crossed the veth and been counted.
    await().atMost(LIMIT).until(() -> NetnsLab.tcpConnectionsDone(client, port) && NetnsLab.tcpConnectionsDone(node, port));
    tcpSegments.put(label, new long[] {
        NetnsLab.tcpCounters(client).get("OutSegs") - clientBefore, NetnsLab.tcpCounters(node).get("OutSegs") - nodeBefore});
  }

  /** Three datagrams of 100, 200 and 300 bytes, each echoed back. */
  private static void udp(InetAddress server, int port) throws Exception {
    java.util.concurrent.CountDownLatch bound = new java.util.concurrent.CountDownLatch(1);
    FutureTask<Void> serverTask = NetnsLab.start(node, () -> {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server, port))) {
        bound.countDown();
        for (int i = 0; i < 3; i++) {
          DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
          socket.receive(p);
          socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        }
      }
      return null;
    });
    assertThat(bound.await(LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("echo server bound").isTrue();
    NetnsLab.inside(client, () -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout((int) LIMIT.toMillis()); // a limit: each echo comes back at once
        for (int size : new int[] {100, 200, 300}) {
          socket.send(new DatagramPacket(new byte[size], size, new InetSocketAddress(server, port)));
          socket.receive(new DatagramPacket(new byte[2000], 2000));
        }
      }
      return null;
    });
    serverTask.get();
  }

  @Test
  void udpOverIpv4IsCountedExactlyInBothDirections() {
    Totals toServer = totals(e -> e.getProtocol() == 17 && e.getDstPort() == UDP_V4_PORT && e.getDirection() == Direction.INGRESS);
    Totals toClient = totals(e -> e.getProtocol() == 17 && e.getSrcPort() == UDP_V4_PORT && e.getDirection() == Direction.EGRESS);

    assertThat(toServer).isEqualTo(new Totals(3, 3 * (20 + 8) + 600));
    assertThat(toClient).isEqualTo(new Totals(3, 3 * (20 + 8) + 600));
  }

  @Test
  void udpOverIpv6IsCountedExactlyInBothDirections() {
    Totals toServer = totals(e -> e.getProtocol() == 17 && e.getDstPort() == UDP_V6_PORT && e.getDirection() == Direction.INGRESS);
    Totals toClient = totals(e -> e.getProtocol() == 17 && e.getSrcPort() == UDP_V6_PORT && e.getDirection() == Direction.EGRESS);

    assertThat(toServer).isEqualTo(new Totals(3, 3 * (40 + 8) + 600));
    assertThat(toClient).isEqualTo(new Totals(3, 3 * (40 + 8) + 600));
  }

  @Test
  void tcpOverIpv4MatchesTheKernelsSegmentCountsAndHeaderArithmetic() {
    long[] segments = tcpSegments.get("v4");
    Totals toServer = totals(e -> e.getProtocol() == 6 && e.getDstPort() == TCP_V4_PORT && e.getDirection() == Direction.INGRESS);
    Totals toClient = totals(e -> e.getProtocol() == 6 && e.getSrcPort() == TCP_V4_PORT && e.getDirection() == Direction.EGRESS);

    // every segment: IPv4 20 + TCP 20 + timestamps 12; the SYN and SYN-ACK carry 8 more option bytes
    assertThat(toServer).isEqualTo(new Totals(segments[0], 1000 + segments[0] * (20 + 32) + 8));
    assertThat(toClient).isEqualTo(new Totals(segments[1], 2000 + segments[1] * (20 + 32) + 8));
    assertThat(flagsOf(e -> e.getProtocol() == 6 && e.getDstPort() == TCP_V4_PORT)).isEqualTo(0x02 | 0x10 | 0x01 | 0x08);
  }

  @Test
  void tcpOverIpv6MatchesTheKernelsSegmentCountsAndHeaderArithmetic() {
    long[] segments = tcpSegments.get("v6");
    Totals toServer = totals(e -> e.getProtocol() == 6 && e.getDstPort() == TCP_V6_PORT && e.getDirection() == Direction.INGRESS);
    Totals toClient = totals(e -> e.getProtocol() == 6 && e.getSrcPort() == TCP_V6_PORT && e.getDirection() == Direction.EGRESS);

    assertThat(toServer).isEqualTo(new Totals(segments[0], 1000 + segments[0] * (40 + 32) + 8));
    assertThat(toClient).isEqualTo(new Totals(segments[1], 2000 + segments[1] * (40 + 32) + 8));
  }

  @Test
  void icmpEchoOverBothVersionsIsCountedExactly() {
    assertThat(totals(e -> e.getProtocol() == 1 && Integer.valueOf(8).equals(e.getIcmpType()) && e.getDirection() == Direction.INGRESS))
        .isEqualTo(new Totals(3, 3 * (20 + 8 + 56)));
    assertThat(totals(e -> e.getProtocol() == 1 && Integer.valueOf(0).equals(e.getIcmpType()) && e.getDirection() == Direction.EGRESS))
        .isEqualTo(new Totals(3, 3 * (20 + 8 + 56)));
    assertThat(totals(e -> e.getProtocol() == 58 && Integer.valueOf(128).equals(e.getIcmpType()) && e.getDirection() == Direction.INGRESS))
        .isEqualTo(new Totals(3, 3 * (40 + 8 + 56)));
    assertThat(totals(e -> e.getProtocol() == 58 && Integer.valueOf(129).equals(e.getIcmpType()) && e.getDirection() == Direction.EGRESS))
        .isEqualTo(new Totals(3, 3 * (40 + 8 + 56)));
  }

  @Test
  void eventsNameTheNodeAndInterfaceAndShareCommunityIdsAcrossDirections() {
    List<FlowEvent> tcp = matching(e -> e.getProtocol() == 6 && (e.getDstPort() == TCP_V4_PORT || e.getSrcPort() == TCP_V4_PORT));

    assertThat(tcp).isNotEmpty();
    assertThat(tcp).extracting(FlowEvent::getNode).containsOnly("it-node");
    assertThat(tcp).extracting(FlowEvent::getInterfaceName).containsOnly(nodeVeth);
    assertThat(tcp).extracting(FlowEvent::getVerdict).containsOnly(Verdict.FORWARDED);
    assertThat(tcp).extracting(FlowEvent::getCommunityId).hasSize(tcp.size()).containsOnly(tcp.get(0).getCommunityId());
    assertThat(tcp).allSatisfy(e -> assertThat(e.getFlowEnd()).isAfterOrEqualTo(e.getFlowStart()));
  }

  private record Totals(long packets, long bytes) {}

  private static List<FlowEvent> matching(Predicate<FlowEvent> filter) {
    synchronized (events) {
      return events.stream().filter(filter).toList();
    }
  }

  private static Totals totals(Predicate<FlowEvent> filter) {
    List<FlowEvent> matched = matching(filter);
    return new Totals(matched.stream().mapToLong(FlowEvent::getPackets).sum(), matched.stream().mapToLong(FlowEvent::getBytes).sum());
  }

  private static int flagsOf(Predicate<FlowEvent> filter) {
    return matching(filter).stream().mapToInt(FlowEvent::getTcpFlags).reduce(0, (a, b) -> a | b);
  }
}
