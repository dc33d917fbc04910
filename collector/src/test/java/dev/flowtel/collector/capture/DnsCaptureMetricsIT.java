package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.dns.DnsMessages;
import dev.flowtel.collector.metrics.CollectorMetrics;
import dev.flowtel.collector.metrics.MetricsServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel's and user space's DNS counts on the collector's Prometheus endpoint, moved by real packets on a veth
 * between two namespaces: given the capture on the node's veth and nothing answering on port 53, when the client sends
 * one datagram to port 53 that is no DNS message and then one well-formed query, then
 * {@code flowtel_collector_dns_malformed_packets_total} goes up by exactly one, the query waits in
 * {@code flowtel_collector_dns_pending_queries}, and once the DNS timeout passed it is counted in
 * {@code flowtel_collector_dns_unanswered_queries_total} and no longer pending.
 */
@Tag("ebpf")
class DnsCaptureMetricsIT {

  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String MALFORMED = "flowtel_collector_dns_malformed_packets_total";
  private static final String PENDING = "flowtel_collector_dns_pending_queries";
  private static final String UNANSWERED = "flowtel_collector_dns_unanswered_queries_total";

  @Test
  void aMalformedPacketAndAnUnansweredQueryEachMoveTheirCounterByOne() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    try (NetnsLab lab = new NetnsLab()) {
      String client = lab.namespace("c");
      String node = lab.namespace("n");
      String nodeVeth = "fn" + lab.id;
      lab.veth(client, "fc" + lab.id, node, nodeVeth);
      lab.address(client, "fc" + lab.id, "10.77.0.1/24");
      lab.address(node, nodeVeth, "10.77.0.2/24");
      CaptureSettings settings = NetnsLab.captureOn(node, nodeVeth).withDns(true, List.of(53), Duration.ofSeconds(1));
      CollectorMetrics metrics = new CollectorMetrics();
      try (EbpfFlowSource source = new EbpfFlowSource(settings);
          MetricsServer server = MetricsServer.start(metrics, 0)) {
        metrics.observeCapture(source::metrics);
        source.start((flow, key) -> { });
        await().atMost(LIMIT).until(() -> source.attachedInterfaces().contains(nodeVeth));
        String before = scrape(server.port());
        assertThat(value(before, MALFORMED)).isZero();
        assertThat(value(before, UNANSWERED)).isZero();

        // Five bytes: shorter than a DNS header. Then a query from the same socket, so once its event reached user
        // space the malformed datagram sent before it has passed the hook too.
        sendFrom(client, new byte[] {1, 2, 3, 4, 5}, DnsMessages.query(0x4242, "nobody.flowtel.test", 1));
        await().atMost(LIMIT).until(() -> value(scrape(server.port()), PENDING) == 1);
        assertThat(value(scrape(server.port()), MALFORMED)).isEqualTo(1);

        await().atMost(LIMIT).until(() -> value(scrape(server.port()), UNANSWERED) == 1);
        String after = scrape(server.port());
        assertThat(value(after, PENDING)).isZero();
        assertThat(value(after, MALFORMED)).isEqualTo(1);
        assertThat(value(after, "flowtel_collector_dns_unmatched_responses_total")).isZero();
        assertThat(value(after, "flowtel_collector_dns_ringbuf_drops_total")).isZero();
        assertThat(value(after, "flowtel_collector_dns_unreadable_messages_total")).isZero();
        assertThat(after).contains("# HELP " + MALFORMED + " UDP/TCP packets on a DNS port");
      }
    }
  }

  private static void sendFrom(String ns, byte[]... datagrams) throws Exception {
    NetnsLab.inside(ns, () -> {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("10.77.0.1", 0))) {
        for (byte[] d : datagrams) {
          socket.send(new DatagramPacket(d, d.length, new InetSocketAddress("10.77.0.2", 53)));
        }
      }
      return null;
    });
  }

  /** The value of an unlabelled sample in Prometheus text; fails when the metric is missing. */
  private static long value(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    assertThat(m.find()).as("%s on the metrics endpoint", name).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
  }
}
