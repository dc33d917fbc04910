package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureProgram.Counter;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import dev.flowtel.collector.dns.DnsMessages;
import dev.flowtel.collector.dns.DnsTransactionAssembler;
import dev.flowtel.collector.dns.KernelDnsEvent;
import dev.flowtel.schema.DnsTransaction;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * dns.h run by the kernel on crafted frames (BPF_PROG_TEST_RUN on loopback, ifindex 1): queries and responses over
 * UDP and TCP are matched and reported once, and malformed messages (truncated, compression pointers in the question,
 * names past 255 bytes, runaway labels) are counted and skipped, never changing the packet's fate or its flow count.
 */
@Tag("ebpf")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsProgramTest {

  private static final int TC_ACT_UNSPEC = -1;
  private static final String CLIENT = "10.0.0.1";
  private static final String SERVER = "10.0.0.53";
  private CaptureProgram program;
  private RingBuffer ring;
  private final List<KernelDnsEvent> events = new ArrayList<>();
  private int nextId = 0x1000;

  @BeforeAll
  void load() {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    program = CaptureProgram.load(CaptureSettings.defaults("test-node").withTableCapacity(1024)
        .withDns(true, List.of(53, 5353), Duration.ofSeconds(5)));
    ring = new RingBuffer(program.dnsEventsRing(), record -> events.add(KernelDnsEvent.decode(record)));
  }

  @AfterAll
  void unload() {
    if (ring != null) {
      ring.close();
    }
    if (program != null) {
      program.close();
    }
  }

  @BeforeEach
  void clear() {
    ring.consume();
    events.clear();
    program.flipAndDrain(64, f -> { });
    program.flipAndDrain(64, f -> { });
  }

  @Test
  void aUdpQueryAndItsResponseBecomeOneAnsweredTransaction() throws Exception {
    int id = nextId++;
    byte[] answer = InetAddress.getByName("10.9.8.7").getAddress();
    assertThat(egress(udp(CLIENT, SERVER, 40000, 53, DnsMessages.query(id, "API.example.test", 1)))).isEqualTo(TC_ACT_UNSPEC);
    assertThat(ingress(udp(SERVER, CLIENT, 53, 40000, DnsMessages.response(id, "api.example.test", 1, 0, 1)
        .address(answer, 30).build()))).isEqualTo(TC_ACT_UNSPEC);

    List<DnsTransaction> transactions = assemble();

    assertThat(transactions).hasSize(1);
    DnsTransaction t = transactions.get(0);
    assertThat(t.getQueryName()).isEqualTo("api.example.test");
    assertThat(t.getQueryType()).isEqualTo(1);
    assertThat(t.getResponseCode()).isZero();
    assertThat(t.getAnswerCount()).isEqualTo(1);
    assertThat(t.getTransactionId()).isEqualTo(id);
    assertThat(t.getClientPort()).isEqualTo(40000);
    assertThat(t.getServerPort()).isEqualTo(53);
    assertThat(t.getProtocol()).isEqualTo(17);
    assertThat(t.getInterfaceIndex()).isEqualTo(1);
    assertThat(bytes(t.getClientAddr())).isEqualTo(Frames.address(CLIENT));
    assertThat(bytes(t.getServerAddr())).isEqualTo(Frames.address(SERVER));
    assertThat(t.getAnswers()).hasSize(1);
    assertThat(bytes(t.getAnswers().get(0).getAddress())).isEqualTo(answer);
    assertThat(t.getAnswers().get(0).getTtlSeconds()).isEqualTo(30);
    assertThat(t.getLatencyNanos()).isNotNull().isPositive();
  }

  @Test
  void theSamePacketsAtTwoHooksAreReportedOnce() {
    int id = nextId++;
    byte[] query = udp("fd00::1", "fd00::53", 41000, 53, DnsMessages.query(id, "twice.test", 28));
    byte[] response = udp("fd00::53", "fd00::1", 53, 41000, DnsMessages.response(id, "twice.test", 28, 3, 0).build());
    long unmatched = program.counter(Counter.DNS_UNMATCHED);

    egress(query);
    ingress(query);
    ingress(response);
    egress(response);

    ring.consume();
    assertThat(events).extracting(KernelDnsEvent::kind).containsExactly(KernelDnsEvent.Kind.QUERY, KernelDnsEvent.Kind.RESPONSE);
    assertThat(events.get(1).responseCode()).isEqualTo(3);
    assertThat(events.get(1).key().ipVersion()).isEqualTo(6);
    assertThat(program.counter(Counter.DNS_UNMATCHED) - unmatched).isEqualTo(1);
  }

  @Test
  void tcpMessagesAfterTheirLengthPrefixAndTheSecondConfiguredPort() throws Exception {
    int id = nextId++;
    egress(tcp(CLIENT, SERVER, 42000, 5353, DnsMessages.overTcp(DnsMessages.query(id, "tcp.test", 1))));
    egress(tcp(CLIENT, SERVER, 42000, 5353, new byte[0])); // a bare ACK: not DNS, not malformed
    ingress(tcp(SERVER, CLIENT, 5353, 42000, DnsMessages.overTcp(DnsMessages.response(id, "tcp.test", 1, 0, 1)
        .address(InetAddress.getByName("10.0.0.7").getAddress(), 9).build())));

    List<DnsTransaction> transactions = assemble();

    assertThat(transactions).hasSize(1);
    assertThat(transactions.get(0).getProtocol()).isEqualTo(6);
    assertThat(transactions.get(0).getServerPort()).isEqualTo(5353);
    assertThat(transactions.get(0).getQueryName()).isEqualTo("tcp.test");
    assertThat(transactions.get(0).getAnswers()).hasSize(1);
  }

  @Test
  void malformedMessagesAreCountedAndSkippedAndTheirFlowsStillCounted() {
    long malformed = program.counter(Counter.DNS_MALFORMED);
    byte[] pointerToItself = DnsMessages.raw(1, 0x0100, 1, new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1});
    byte[] pointerIntoHeader = DnsMessages.raw(2, 0x0100, 1, new byte[] {1, 'a', (byte) 0xC0, 2, 0, 1, 0, 1});
    ByteArrayOutputStream longName = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) { // 5 x 64 = 320 bytes of labels: past 255
      longName.write(63);
      longName.writeBytes("a".repeat(63).getBytes());
    }
    longName.writeBytes(new byte[] {0, 0, 1, 0, 1});
    byte[] tooLong = DnsMessages.raw(3, 0x0100, 1, longName.toByteArray());
    byte[] labelPastTheEnd = DnsMessages.raw(4, 0x0100, 1, new byte[] {40, 'a', 'b', 0, 1, 0, 1});
    byte[] shortHeader = new byte[] {0, 5, 1, 0, 0, 1, 0, 0};
    byte[] twoQuestions = DnsMessages.raw(6, 0x0100, 2, DnsMessages.wireName("a.test"));
    byte[] noRootLabel = new byte[12 + 200];
    System.arraycopy(DnsMessages.raw(7, 0x0100, 1, new byte[0]), 0, noRootLabel, 0, 12);
    java.util.Arrays.fill(noRootLabel, 12, noRootLabel.length, (byte) 1); // 1-byte labels "\001" to the end, never a 0
    List<byte[]> bad = List.of(pointerToItself, pointerIntoHeader, tooLong, labelPastTheEnd, shortHeader, twoQuestions, noRootLabel);

    for (byte[] message : bad) {
      assertThat(egress(udp(CLIENT, SERVER, 43000, 53, message))).isEqualTo(TC_ACT_UNSPEC);
    }

    ring.consume();
    assertThat(events).isEmpty();
    assertThat(program.counter(Counter.DNS_MALFORMED) - malformed).isEqualTo(bad.size());
    List<KernelFlow> flows = new ArrayList<>();
    program.flipAndDrain(64, flows::add);
    assertThat(flows).hasSize(1);
    assertThat(flows.get(0).packets()).isEqualTo(bad.size());
  }

  @Test
  void theLongestNameIsRead() {
    // 127 one-byte labels: 254 bytes and the root label, the 255 RFC 1035 allows.
    String name = String.join(".", java.util.Collections.nCopies(127, "x"));
    egress(udp(CLIENT, SERVER, 44000, 53, DnsMessages.query(nextId++, name, 16)));

    ring.consume();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).queryType()).isEqualTo(16);
    assertThat(dev.flowtel.collector.dns.DnsMessageReader.questionName(events.get(0).message())).isEqualTo(name);
  }

  @Test
  void otherPortsAreNotRead() {
    long malformed = program.counter(Counter.DNS_MALFORMED);
    egress(udp(CLIENT, SERVER, 45000, 5300, DnsMessages.query(nextId++, "not.dns", 1)));
    egress(udp(CLIENT, SERVER, 45000, 5300, new byte[3]));
    ring.consume();
    assertThat(events).isEmpty();
    assertThat(program.counter(Counter.DNS_MALFORMED)).isEqualTo(malformed);
  }

  @Test
  void withDnsOffNothingIsRead() {
    try (CaptureProgram off = CaptureProgram.load(CaptureSettings.defaults("test-node").withTableCapacity(1024)
        .withDns(false, List.of(53), Duration.ofSeconds(5)))) {
      List<KernelDnsEvent> seen = new ArrayList<>();
      try (RingBuffer offRing = new RingBuffer(off.dnsEventsRing(), record -> seen.add(KernelDnsEvent.decode(record)))) {
        ProgramTestRun.run(off.egressProgramFd(), udp(CLIENT, SERVER, 46000, 53, DnsMessages.query(1, "off.test", 1)), 0, 0);
        ProgramTestRun.run(off.egressProgramFd(), udp(CLIENT, SERVER, 46000, 53, new byte[3]), 0, 0);
        offRing.consume();
      }
      assertThat(seen).isEmpty();
      assertThat(off.counter(Counter.DNS_MALFORMED)).isZero();
    }
  }

  private List<DnsTransaction> assemble() {
    ring.consume();
    List<DnsTransaction> out = new ArrayList<>();
    DnsTransactionAssembler assembler = new DnsTransactionAssembler("test-node", i -> "lo", Duration.ofSeconds(5), out::add);
    events.forEach(e -> assembler.accept(e, 0));
    return out;
  }

  private static byte[] udp(String src, String dst, int srcPort, int dstPort, byte[] message) {
    byte[] segment = new byte[8 + message.length];
    port(segment, 0, srcPort);
    port(segment, 2, dstPort);
    port(segment, 4, segment.length);
    System.arraycopy(message, 0, segment, 8, message.length);
    return Frames.ip(src, dst).protocol(Frames.UDP, segment).build();
  }

  private static byte[] tcp(String src, String dst, int srcPort, int dstPort, byte[] payload) {
    byte[] segment = new byte[20 + payload.length];
    port(segment, 0, srcPort);
    port(segment, 2, dstPort);
    segment[12] = 5 << 4;
    segment[13] = payload.length == 0 ? (byte) 0x10 : (byte) 0x18;
    System.arraycopy(payload, 0, segment, 20, payload.length);
    return Frames.ip(src, dst).protocol(Frames.TCP, segment).build();
  }

  private static void port(byte[] b, int at, int value) {
    b[at] = (byte) (value >> 8);
    b[at + 1] = (byte) value;
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  private int ingress(byte[] frame) {
    return ProgramTestRun.run(program.ingressProgramFd(), frame, 0, 0);
  }

  private int egress(byte[] frame) {
    return ProgramTestRun.run(program.egressProgramFd(), frame, 0, 0);
  }
}
