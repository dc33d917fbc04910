package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.schema.DnsAnswer;
import dev.flowtel.schema.DnsTransaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Given dnsmasq answering for a zone of our own in the "node" namespace, with the capture on the node's veth, when dig
 * asks from the client namespace for an A, an AAAA and an unknown name over UDP (IPv4 and IPv6 transport), an A over
 * TCP, and a 2 kB TXT record whose UDP response is fragmented, then the DnsTransactions carry exactly the names, types,
 * codes and answer addresses dnsmasq serves, and each transaction's latency, over UDP and over TCP, is within 1 ms of the
 * one between tcpdump's timestamps of the query and the response on the same veth.
 */
@Tag("ebpf")
class DnsCaptureIT {

  private static final Duration LIMIT = Duration.ofSeconds(60);
  /**
   * Five UDP queries and their responses (of the fragmented one, the first fragment: later ones carry no UDP header),
   * and the TCP segments carrying the TCP query and its response.
   */
  private static final int DNS_PACKETS = 12;
  private static final int TRANSACTIONS = 6;
  /** A TXT record of 8 strings of 250 bytes: a 2 kB response, which a 1500-byte MTU fragments. */
  private static final String BIG_TXT = ",\"" + "t".repeat(250) + "\"";
  /** DNS over UDP, and TCP segments with payload on port 53 (IPv4: the TCP query is sent over IPv4). */
  private static final String DNS_FILTER = "udp port 53 or (tcp port 53 and ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) != 0)";
  private static final long TTL = 300;

  private static NetnsLab lab;
  private static String client;
  private static String node;
  private static final List<DnsTransaction> transactions = new ArrayList<>();
  private static final Map<String, BigDecimal> tcpdumpLatency = new HashMap<>();
  private static Path pcap;

  @BeforeAll
  static void digThroughTheCapture() throws Exception {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    for (String tool : List.of("dnsmasq", "dig", "tcpdump")) {
      assumeThat(Dnsmasq.onPath(tool)).as("%s is not installed (.ci/run installs dnsmasq-base, dnsutils, tcpdump)", tool).isTrue();
    }
    lab = new NetnsLab();
    client = lab.namespace("c");
    node = lab.namespace("n");
    String nodeVeth = "fn" + lab.id;
    lab.veth(client, "fc" + lab.id, node, nodeVeth);
    lab.address(client, "fc" + lab.id, "10.78.0.1/24");
    lab.address(node, nodeVeth, "10.78.0.2/24");
    lab.address(client, "fc" + lab.id, "fd78::1/64");
    lab.address(node, nodeVeth, "fd78::2/64");

    Dnsmasq dnsmasq = Dnsmasq.start(node, List.of("10.78.0.2", "fd78::2"),
        List.of("web.flowtel.test,10.78.5.1,fd78::5:1," + TTL, "v4only.flowtel.test,10.78.5.2," + TTL),
        "--txt-record=big.flowtel.test" + BIG_TXT.repeat(8), "--edns-packet-max=4096");
    pcap = Files.createTempFile("flowtel-dns-", ".pcap");
    Process tcpdump = null;
    try {
      CaptureSettings settings = NetnsLab.captureOn(node, nodeVeth);
      try (EbpfFlowSource source = new EbpfFlowSource(settings)) {
        source.onDnsTransaction(t -> {
          synchronized (transactions) {
            transactions.add(t);
          }
        });
        source.start((flow, key) -> { });
        await().atMost(LIMIT).until(() -> source.attachedInterfaces().contains(nodeVeth));
        tcpdump = startTcpdump(node, nodeVeth, pcap);

        dig("10.78.0.2", "web.flowtel.test", "A");
        dig("10.78.0.2", "web.flowtel.test", "AAAA");
        dig("10.78.0.2", "missing.flowtel.test", "A");
        dig("fd78::2", "v4only.flowtel.test", "A");
        dig("10.78.0.2", "v4only.flowtel.test", "A", "+tcp");
        dig("10.78.0.2", "big.flowtel.test", "TXT", "+bufsize=4096", "+ignore");

        assertThat(tcpdump.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("tcpdump saw %d packets", DNS_PACKETS).isTrue();
        await().atMost(LIMIT).until(() -> {
          synchronized (transactions) {
            return transactions.size() >= TRANSACTIONS;
          }
        });
      }
      readTcpdump(pcap);
    } finally {
      if (tcpdump != null) {
        tcpdump.destroy();
      }
      dnsmasq.close();
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (lab != null) {
      lab.close();
    }
    if (pcap != null) {
      Files.deleteIfExists(pcap);
    }
  }

  @Test
  void anAQueryOverUdpWithItsAddressAndTtl() throws Exception {
    DnsTransaction t = only("web.flowtel.test", 1, 17, 4);
    assertThat(t.getResponseCode()).isZero();
    assertThat(t.getAnswerCount()).isEqualTo(1);
    assertThat(addresses(t)).containsExactly("10.78.5.1");
    assertThat(t.getAnswers()).extracting(DnsAnswer::getTtlSeconds).containsExactly(TTL);
    assertThat(t.getAnswersTruncated()).isFalse();
    assertThat(t.getTruncated()).isFalse();
    assertThat(t.getServerPort()).isEqualTo(53);
    assertThat(bytes(t.getClientAddr())).isEqualTo(InetAddress.getByName("10.78.0.1").getAddress());
    assertThat(bytes(t.getServerAddr())).isEqualTo(InetAddress.getByName("10.78.0.2").getAddress());
    assertThat(t.getNode()).isEqualTo("it-node");
    assertThat(t.getInterfaceName()).isEqualTo("fn" + lab.id);
    assertThat(t.getClient()).isNull();
    assertThat(t.getServer()).isNull();
  }

  @Test
  void anAaaaQuery() {
    DnsTransaction t = only("web.flowtel.test", 28, 17, 4);
    assertThat(t.getResponseCode()).isZero();
    assertThat(addresses(t)).containsExactly("fd78:0:0:0:0:0:5:1");
  }

  @Test
  void anUnknownNameInTheZoneIsNxdomain() {
    DnsTransaction t = only("missing.flowtel.test", 1, 17, 4);
    assertThat(t.getResponseCode()).isEqualTo(3);
    assertThat(t.getAnswerCount()).isZero();
    assertThat(t.getAnswers()).isEmpty();
  }

  @Test
  void aQueryOverIpv6() throws Exception {
    DnsTransaction t = only("v4only.flowtel.test", 1, 17, 6);
    assertThat(addresses(t)).containsExactly("10.78.5.2");
    assertThat(bytes(t.getClientAddr())).isEqualTo(InetAddress.getByName("fd78::1").getAddress());
  }

  @Test
  void aQueryOverTcp() {
    DnsTransaction t = only("v4only.flowtel.test", 1, 6, 4);
    assertThat(t.getResponseCode()).isZero();
    assertThat(addresses(t)).containsExactly("10.78.5.2");
    assertThat(t.getLatencyNanos()).isPositive();
  }

  /**
   * A response larger than the MTU leaves in IP fragments; only the first carries the UDP header, so the kernel reads
   * the header and question from it (enough to match and time the transaction) and user space the answers within its
   * copy: the TXT answer runs past it, which marks the answers truncated rather than the message malformed.
   */
  @Test
  void aFragmentedUdpResponseIsReadFromItsFirstFragment() {
    DnsTransaction t = only("big.flowtel.test", 16, 17, 4);
    assertThat(t.getResponseCode()).isZero();
    assertThat(t.getAnswerCount()).isEqualTo(1);
    assertThat(t.getAnswers()).isEmpty();
    assertThat(t.getAnswersTruncated()).isTrue();
    assertThat(t.getLatencyNanos()).isPositive();
  }

  @Test
  void latenciesOverUdpAndTcpAreWithinAMillisecondOfTcpdumps() {
    List<DnsTransaction> all;
    synchronized (transactions) {
      all = List.copyOf(transactions);
    }
    assertThat(all).hasSize(TRANSACTIONS);
    assertThat(tcpdumpLatency).hasSize(TRANSACTIONS);
    for (DnsTransaction t : all) {
      BigDecimal seen = tcpdumpLatency.get(t.getClientPort() + "/" + t.getTransactionId());
      assertThat(seen).as("tcpdump's query and response of %s", t.getQueryName()).isNotNull();
      long tcpdumpNanos = seen.movePointRight(9).longValueExact();
      System.out.printf("DnsCaptureIT: %s type %d protocol %d: latency %d ns, tcpdump %d ns%n", t.getQueryName(),
          t.getQueryType(), t.getProtocol(), t.getLatencyNanos(), tcpdumpNanos);
      assertThat(Math.abs(t.getLatencyNanos() - tcpdumpNanos)).as("%s: ours %d ns, tcpdump's %d ns", t.getQueryName(),
          t.getLatencyNanos(), tcpdumpNanos).isLessThan(1_000_000L);
    }
  }

  private static DnsTransaction only(String name, int type, int protocol, int ipVersion) {
    synchronized (transactions) {
      List<DnsTransaction> matching = transactions.stream().filter(t -> t.getQueryName().equals(name) && t.getQueryType() == type
          && t.getProtocol() == protocol && t.getIpVersion() == ipVersion).toList();
      assertThat(matching).as("transactions for %s type %d over %d, IPv%d among %s", name, type, protocol, ipVersion, transactions)
          .hasSize(1);
      return matching.get(0);
    }
  }

  private static List<String> addresses(DnsTransaction t) {
    return t.getAnswers().stream().map(a -> {
      try {
        return InetAddress.getByAddress(bytes(a.getAddress())).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  private static void dig(String server, String name, String type, String... options) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", client, "dig", "@" + server, name, type, "+tries=1",
        "+time=10"));
    command.addAll(List.of(options));
    String out = NetnsLab.run(command.toArray(String[]::new));
    assertThat(out).as("dig %s %s", name, type).contains("status: ");
  }

  /** tcpdump on the veth, DNS messages only, nanosecond timestamps; it exits once it saw both packets of every query. */
  private static Process startTcpdump(String ns, String ifname, Path file) throws IOException {
    Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", ifname, "-n", "-U", "-c",
        Integer.toString(DNS_PACKETS), "--time-stamp-precision=nano", "-w", file.toString(), DNS_FILTER).start();
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder said = new StringBuilder();
    while ((line = err.readLine()) != null) { // it says so once it captures
      said.append(line).append('\n');
      if (line.contains("listening on")) {
        Thread.ofPlatform().daemon(true).start(() -> drain(err));
        return p;
      }
    }
    throw new IllegalStateException("tcpdump did not start: " + said);
  }

  private static void drain(BufferedReader reader) {
    try {
      while (reader.readLine() != null) {
        // keeps tcpdump's stderr from filling
      }
    } catch (IOException ignored) {
      // tcpdump ended
    }
  }

  /**
   * Query and response times by client port and ID from the capture file, as tcpdump prints them (-tt, nanoseconds):
   * UDP {@code ... 10.78.0.2.53: 4711+ A? ...}, TCP {@code ... 10.78.0.1.40001: Flags [P.], seq 1:53, ..., length 52: 4711+ A? ...}.
   */
  private static void readTcpdump(Path file) {
    String text = NetnsLab.run("tcpdump", "-r", file.toString(), "-n", "-tt", "--time-stamp-precision=nano");
    Pattern line = Pattern.compile("^(\\d+\\.\\d{9}) IP6? (\\S+)\\.(\\d+) > (\\S+)\\.(\\d+): (?:Flags .*?, length \\d+:? )?(\\d+)");
    Map<String, BigDecimal> queries = new HashMap<>();
    for (String l : text.lines().toList()) {
      Matcher m = line.matcher(l);
      if (!m.find()) {
        continue;
      }
      BigDecimal time = new BigDecimal(m.group(1));
      int srcPort = Integer.parseInt(m.group(3));
      int dstPort = Integer.parseInt(m.group(5));
      String id = m.group(6);
      if (dstPort == 53) {
        queries.put(srcPort + "/" + id, time);
      } else if (srcPort == 53 && queries.containsKey(dstPort + "/" + id)) {
        tcpdumpLatency.put(dstPort + "/" + id, time.subtract(queries.get(dstPort + "/" + id)));
      }
    }
  }
}
