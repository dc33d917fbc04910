package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Kernel flows become FlowEvents: times, direction, ICMP fields, verdicts, Community ID. */
class FlowEventMapperTest {

  private final FlowEventMapper mapper = new FlowEventMapper("node-1", ifindex -> ifindex == 7 ? "veth7" : null,
      reason -> reason == 6 ? "NETFILTER_DROP" : Integer.toString(reason));

  @Test
  void tcpFlowKeepsItsCountersAndGetsWallClockTimes() throws Exception {
    KernelFlow flow = flow("128.232.110.120", "66.35.250.204", 34855, 80, 6, KernelFlow.DIRECTION_INGRESS, 10, 0, 0);
    long offset = 1_700_000_000_000_000_000L;

    FlowEvent event = mapper.toEvent(flow, offset, f -> 1234);

    assertThat(event.getFlowStart()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 1_000));
    assertThat(event.getFlowEnd()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 5_000));
    assertThat(event.getNode()).isEqualTo("node-1");
    assertThat(event.getInterfaceName()).isEqualTo("veth7");
    assertThat(event.getInterfaceIndex()).isEqualTo(7);
    assertThat(event.getDirection()).isEqualTo(Direction.INGRESS);
    assertThat(event.getIpVersion()).isEqualTo(4);
    assertThat(event.getSrcPort()).isEqualTo(34855);
    assertThat(event.getDstPort()).isEqualTo(80);
    assertThat(event.getBytes()).isEqualTo(1500);
    assertThat(event.getPackets()).isEqualTo(10);
    assertThat(event.getGsoSegments()).isEqualTo(4);
    assertThat(event.getTcpFlags()).isEqualTo(0x12);
    assertThat(event.getIcmpType()).isNull();
    assertThat(event.getVerdict()).isEqualTo(Verdict.FORWARDED);
    assertThat(event.getTcpRttMicros()).isEqualTo(1234L);
    assertThat(event.getCommunityId()).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  }

  @Test
  void icmpTypeAndCodeMoveOutOfThePorts() throws Exception {
    FlowEvent event = mapper.toEvent(flow("192.168.0.89", "192.168.0.1", 8, 0, 1, KernelFlow.DIRECTION_EGRESS, 1, 0, 0), 0, f -> -1);

    assertThat(event.getSrcPort()).isZero();
    assertThat(event.getDstPort()).isZero();
    assertThat(event.getIcmpType()).isEqualTo(8);
    assertThat(event.getIcmpCode()).isEqualTo(0);
    assertThat(event.getDirection()).isEqualTo(Direction.EGRESS);
    assertThat(event.getTcpRttMicros()).isNull();
    assertThat(event.getCommunityId()).isEqualTo("1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  }

  @Test
  void dropRecordsAreDroppedWithTheReasonsName() throws Exception {
    FlowEvent event = mapper.toEvent(flow("10.0.0.1", "10.0.0.2", 1, 2, 17, KernelFlow.DIRECTION_UNKNOWN, 0, 3, 6), 0, f -> -1);

    assertThat(event.getVerdict()).isEqualTo(Verdict.DROPPED);
    assertThat(event.getDirection()).isEqualTo(Direction.UNKNOWN);
    assertThat(event.getDrops()).isEqualTo(3);
    assertThat(event.getDropBytes()).isEqualTo(300);
    assertThat(event.getDropReason()).isEqualTo("NETFILTER_DROP");
  }

  private static KernelFlow flow(String src, String dst, int srcPort, int dstPort, int protocol, int direction, long packets, long drops,
      int reason) throws Exception {
    return new KernelFlow(InetAddress.getByName(src).getAddress(), InetAddress.getByName(dst).getAddress(), srcPort, dstPort, 7, protocol, 4,
        direction, 1_000, 5_000, packets * 150, packets, packets == 0 ? 0 : 4, 0x12, reason, drops, drops * 100);
  }
}
