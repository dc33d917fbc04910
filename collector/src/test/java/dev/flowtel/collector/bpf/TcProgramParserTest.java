package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureProgram.Counter;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The TC program's parser and accounting, run by the kernel on frames built here
 * (BPF_PROG_TEST_RUN on the loopback device, ifindex 1): every protocol over IPv4 and IPv6, VLAN
 * tags, extension headers, fragments, GSO super-packets, and frames that must not be counted.
 * The program reads headers in place when they are in the skb's linear part, else copies them;
 * {@link TcProgramParserCopyingHeadersTest} runs every case again on the copying path.
 */
@Tag("ebpf")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcProgramParserTest {

  private static final int TC_ACT_UNSPEC = -1;
  private CaptureProgram program;

  /** Whether the programs read every header through bpf_skb_load_bytes (the non-linear skb path). */
  boolean copyHeaders() {
    return false;
  }

  @BeforeAll
  void load() {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    program = CaptureProgram.load(CaptureSettings.defaults("test-node").withTableCapacity(1024), copyHeaders());
  }

  @AfterAll
  void unload() {
    if (program != null) {
      program.close();
    }
  }

  @BeforeEach
  void emptyTables() {
    drain();
    drain();
  }

  @Test
  void tcpOverIpv4CountsL3BytesAndOrsTheFlags() {
    Frames syn = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x02, 20);
    Frames ack = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x10, 12).payload(100);

    assertThat(ingress(syn.build())).isEqualTo(TC_ACT_UNSPEC);
    ingress(ack.build());

    KernelFlow flow = single(drain());
    assertThat(flow.key()).isEqualTo(new KernelFlow.Key(Frames.address("10.0.0.1"), Frames.address("10.0.0.2"), 40000, 80, 1, 6,
        KernelFlow.DIRECTION_INGRESS));
    assertThat(flow.ipVersion()).isEqualTo(4);
    assertThat(flow.bytes()).isEqualTo((20 + 40) + (20 + 32 + 100));
    assertThat(flow.packets()).isEqualTo(2);
    assertThat(flow.gsoSegments()).isZero();
    assertThat(flow.tcpFlags()).isEqualTo(0x12);
    assertThat(flow.lastSeenNanos()).isGreaterThanOrEqualTo(flow.firstSeenNanos());
  }

  @Test
  void egressProgramRecordsEgressDirection() {
    run(program.egressProgramFd(), Frames.ip("10.0.0.2", "10.0.0.1").udp(53, 33000).payload(10).build(), 0, 0);

    KernelFlow flow = single(drain());
    assertThat(flow.direction()).isEqualTo(KernelFlow.DIRECTION_EGRESS);
    assertThat(flow.bytes()).isEqualTo(20 + 8 + 10);
  }

  @Test
  void udpOverIpv6() {
    Frames udp = Frames.ip("fd00::1", "fd00::2").udp(5353, 53).payload(33);

    ingress(udp.build());
    ingress(udp.build());
    ingress(udp.build());

    KernelFlow flow = single(drain());
    assertThat(flow.ipVersion()).isEqualTo(6);
    assertThat(flow.srcAddr()).isEqualTo(Frames.address("fd00::1"));
    assertThat(flow.dstAddr()).isEqualTo(Frames.address("fd00::2"));
    assertThat(flow.srcPort()).isEqualTo(5353);
    assertThat(flow.dstPort()).isEqualTo(53);
    assertThat(flow.protocol()).isEqualTo(17);
    assertThat(flow.bytes()).isEqualTo(3L * (40 + 8 + 33));
    assertThat(flow.packets()).isEqualTo(3);
  }

  @Test
  void tcpOverIpv6() {
    ingress(Frames.ip("fd00::1", "fd00::2").tcp(1234, 443, 0x18, 12).payload(500).build());

    KernelFlow flow = single(drain());
    assertThat(flow.protocol()).isEqualTo(6);
    assertThat(flow.bytes()).isEqualTo(40 + 32 + 500);
    assertThat(flow.tcpFlags()).isEqualTo(0x18);
  }

  @Test
  void icmpEchoKeepsTypeAndCodeInThePorts() {
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").icmp(8, 0).payload(56).build());
    ingress(Frames.ip("10.0.0.2", "10.0.0.1").icmp(0, 0).payload(56).build());

    List<KernelFlow> flows = drain();
    assertThat(flows).hasSize(2);
    KernelFlow request = flows.stream().filter(f -> f.srcPort() == 8).findFirst().orElseThrow();
    assertThat(request.protocol()).isEqualTo(1);
    assertThat(request.dstPort()).isZero();
    assertThat(request.bytes()).isEqualTo(20 + 8 + 56);
    assertThat(flows).extracting(KernelFlow::srcPort).containsExactlyInAnyOrder(8, 0);
  }

  @Test
  void icmpv6() {
    ingress(Frames.ip("fd00::1", "fd00::2").icmp(128, 0).payload(56).build());

    KernelFlow flow = single(drain());
    assertThat(flow.protocol()).isEqualTo(58);
    assertThat(flow.srcPort()).isEqualTo(128);
    assertThat(flow.bytes()).isEqualTo(40 + 8 + 56);
  }

  @Test
  void sctpOverBothVersions() {
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").sctp(3868, 3869).payload(16).build());
    ingress(Frames.ip("fd00::1", "fd00::2").sctp(3868, 3869).payload(16).build());

    List<KernelFlow> flows = drain();
    assertThat(flows).extracting(KernelFlow::protocol).containsOnly(132);
    assertThat(flows).extracting(KernelFlow::dstPort).containsOnly(3869);
    assertThat(flows).extracting(KernelFlow::bytes).containsExactlyInAnyOrder(20L + 12 + 16, 40L + 12 + 16);
  }

  @Test
  void vlanTagsAreNotCountedInTheBytes() {
    Frames tagged = Frames.ip("10.0.0.1", "10.0.0.2").vlan(100).vlan(200).udp(1000, 2000).payload(20);

    ingress(tagged.build());

    KernelFlow flow = single(drain());
    assertThat(flow.dstPort()).isEqualTo(2000);
    assertThat(flow.bytes()).isEqualTo(20 + 8 + 20);
  }

  @Test
  void ipv6ExtensionHeadersAreWalkedToTheTransportHeader() {
    Frames withExtensions = Frames.ip("fd00::1", "fd00::2").extension(0).extension(60).extension(43).extension(51).tcp(1000, 22, 0x10, 0)
        .payload(10);

    ingress(withExtensions.build());

    KernelFlow flow = single(drain());
    assertThat(flow.protocol()).isEqualTo(6);
    assertThat(flow.srcPort()).isEqualTo(1000);
    assertThat(flow.dstPort()).isEqualTo(22);
    assertThat(flow.bytes()).isEqualTo(40 + 8 + 8 + 8 + 12 + 20 + 10);
  }

  @Test
  void laterFragmentsCountWithoutPorts() {
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").fragment(185).protocol(17, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).payload(100).build());
    ingress(Frames.ip("fd00::1", "fd00::2").fragment(185).protocol(17, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).payload(100).build());

    List<KernelFlow> flows = drain();
    assertThat(flows).hasSize(2);
    assertThat(flows).extracting(KernelFlow::protocol).containsOnly(17);
    assertThat(flows).extracting(KernelFlow::srcPort).containsOnly(0);
    assertThat(flows).extracting(KernelFlow::bytes).containsExactlyInAnyOrder(20L + 108, 40L + 8 + 108);
  }

  @Test
  void otherProtocolsAreCountedWithoutPorts() {
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").protocol(47, new byte[] {0, 0, 0x08, 0}).payload(40).build()); // GRE

    KernelFlow flow = single(drain());
    assertThat(flow.protocol()).isEqualTo(47);
    assertThat(flow.srcPort()).isZero();
    assertThat(flow.bytes()).isEqualTo(20 + 4 + 40);
  }

  @Test
  void gsoSuperPacketCountsAsItsSegmentsWithTheirOwnHeaders() {
    // 3 segments of 1000 payload bytes behind one 20 + 32 byte header set (test runs take < 4 KiB)
    Frames superPacket = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x10, 12).payload(3 * 1000);

    run(program.ingressProgramFd(), superPacket.build(), 3, 1000);

    KernelFlow flow = single(drain());
    assertThat(flow.packets()).isEqualTo(3);
    assertThat(flow.gsoSegments()).isEqualTo(3);
    assertThat(flow.bytes()).isEqualTo(3L * (20 + 32 + 1000));
  }

  @Test
  void truncatedAndMalformedPacketsLeaveNoEntryAndAreCounted() {
    long malformedBefore = program.counter(Counter.MALFORMED);
    byte[] tcp = Frames.ip("10.0.0.1", "10.0.0.2").tcp(1, 2, 0x02, 0).build();
    byte[] ipv6 = Frames.ip("fd00::1", "fd00::2").udp(1, 2).build();
    byte[] badVersion = Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build();
    badVersion[14] = 0x65;
    byte[] shortIhl = Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build();
    shortIhl[14] = 0x44;
    byte[] badDataOffset = Frames.ip("10.0.0.1", "10.0.0.2").tcp(1, 2, 0x02, 0).build();
    badDataOffset[14 + 20 + 12] = 0x40;
    byte[] longerThanFrame = Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).payload(10).build();
    longerThanFrame[14 + 3] = (byte) 200; // IP total length beyond the frame

    // (frames cut inside the IP header itself are refused by BPF_PROG_TEST_RUN before the program runs)
    ingress(cut(tcp, 14 + 20 + 10));      // TCP header cut, IP length consistent with the cut
    ingress(cut(ipv6, 14 + 40 + 4));      // UDP header cut, likewise
    ingress(badVersion);
    ingress(shortIhl);
    ingress(badDataOffset);
    ingress(longerThanFrame);

    assertThat(drain()).isEmpty();
    assertThat(program.counter(Counter.MALFORMED) - malformedBefore).isEqualTo(6);
  }

  @Test
  void nonIpFramesAreNotCounted() {
    long before = program.counter(Counter.NON_IP);
    byte[] arp = new byte[42];
    arp[12] = 0x08;
    arp[13] = 0x06;

    assertThat(ingress(arp)).isEqualTo(TC_ACT_UNSPEC);

    assertThat(drain()).isEmpty();
    assertThat(program.counter(Counter.NON_IP) - before).isEqualTo(1);
  }

  @Test
  void everyNewFlowIsCountedOnceAndAnnounced() {
    long before = program.counter(Counter.NEW_FLOWS);
    List<KernelFlow> announced = new ArrayList<>();
    try (RingBuffer ring = new RingBuffer(program.newFlowsRing(), record -> announced.add(KernelFlow.decodeKey(record, record.get(
        java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 48))))) {
      ring.consume(); // announcements of earlier tests
      announced.clear();
      ingress(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build());
      ingress(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build());
      ingress(Frames.ip("10.0.0.1", "10.0.0.3").udp(1, 2).build());
      ring.consume();
    }

    assertThat(program.counter(Counter.NEW_FLOWS) - before).isEqualTo(2);
    assertThat(announced).extracting(f -> KernelFlow.addressText(f.dstAddr())).containsExactly("10.0.0.2", "10.0.0.3");
    assertThat(drain()).hasSize(2);
  }

  @Test
  void flippingSendsNewPacketsToTheOtherTable() {
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).payload(1).build());
    var first = program.flip();
    ingress(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).payload(2).build());

    List<KernelFlow> before = new ArrayList<>();
    first.drain(64, (k, v) -> before.add(KernelFlow.decode(k, v)));
    List<KernelFlow> after = drain();

    assertThat(single(before).bytes()).isEqualTo(20 + 8 + 1);
    assertThat(single(after).bytes()).isEqualTo(20 + 8 + 2);
  }

  /** The first {@code length} bytes of an untagged frame, with the IP length fields saying so. */
  private static byte[] cut(byte[] frame, int length) {
    byte[] cut = java.util.Arrays.copyOf(frame, length);
    if ((cut[14] >> 4) == 4) {
      cut[16] = (byte) ((length - 14) >> 8);
      cut[17] = (byte) (length - 14);
    } else {
      cut[18] = (byte) ((length - 14 - 40) >> 8);
      cut[19] = (byte) (length - 14 - 40);
    }
    return cut;
  }

  private int ingress(byte[] frame) {
    return run(program.ingressProgramFd(), frame, 0, 0);
  }

  private int run(int fd, byte[] frame, int gsoSegs, int gsoSize) {
    return ProgramTestRun.run(fd, frame, gsoSegs, gsoSize);
  }

  private List<KernelFlow> drain() {
    List<KernelFlow> flows = new ArrayList<>();
    program.flipAndDrain(64, flows::add);
    return flows;
  }

  private KernelFlow single(List<KernelFlow> flows) {
    assertThat(flows).hasSize(1);
    return flows.get(0);
  }
}
