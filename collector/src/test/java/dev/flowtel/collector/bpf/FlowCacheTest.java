package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureProgram.Counter;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel's per-CPU flow cache (flowtel.bpf.c): a flow's packets after its first in a table are
 * counted in a slot of the CPU's cache and collected at the drain, so every packet must still be
 * counted exactly once, whether it went to the table or to a slot, and whichever drain it falls in.
 */
@Tag("ebpf")
class FlowCacheTest {

  /** Two slots per CPU: the flows below collide, so both paths run side by side. */
  @RegisterExtension
  final LoadedCaptureProgram twoSlots = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256).withFlowCacheSlots(2));

  @RegisterExtension
  final LoadedCaptureProgram oneSlot = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256).withFlowCacheSlots(1));

  @RegisterExtension
  final LoadedCaptureProgram defaults = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256));

  /** Each flow with what tells it apart once drained: protocol, then ports (ICMP: type and code). */
  private record TestFlow(String name, Frames frames) {}

  private static final List<TestFlow> FLOWS = List.of(
      new TestFlow("6 40000>80", Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x18, 12).payload(1200)),
      new TestFlow("6 80>40000", Frames.ip("10.0.0.2", "10.0.0.1").tcp(80, 40000, 0x10, 12)),
      new TestFlow("17 5353>53", Frames.ip("fd00::1", "fd00::2").udp(5353, 53).payload(77)),
      new TestFlow("1 8>0", Frames.ip("10.0.0.3", "10.0.0.4").icmp(8, 0).payload(56)),
      new TestFlow("6 1234>443", Frames.ip("fd00::3", "fd00::4").tcp(1234, 443, 0x02, 0)),
      new TestFlow("17 1000>2000", Frames.ip("10.9.0.1", "10.9.0.2").udp(1000, 2000).payload(300)));

  @Test
  void everyPacketIsCountedOnceWhileTwoCpusSendAndDrainsComeInBetween() throws Exception {
    CaptureProgram program = twoSlots.program();
    int threads = 2;
    // Index i < FLOWS.size(): flow i at ingress; FLOWS.size() + i: the same packet at egress, a separate
    // flow (the direction is in the key) and one more neighbour in the slots.
    AtomicLongArray sentPackets = new AtomicLongArray(2 * FLOWS.size());
    AtomicLongArray sentBytes = new AtomicLongArray(2 * FLOWS.size());
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      long seed = t;
      Thread.ofPlatform().start(() -> {
        try {
          SplittableRandom random = new SplittableRandom(seed);
          List<byte[]> frames = FLOWS.stream().map(f -> f.frames().build()).toList();
          while (!stop.get()) {
            int flow = random.nextInt(FLOWS.size());
            boolean egress = random.nextInt(4) == 0;
            ProgramTestRun.run(egress ? program.egressProgramFd() : program.ingressProgramFd(), frames.get(flow));
            int index = egress ? FLOWS.size() + flow : flow;
            sentPackets.incrementAndGet(index);
            sentBytes.addAndGet(index, FLOWS.get(flow).frames().l3Length());
          }
        } finally {
          done.countDown();
        }
      });
    }
    Map<String, long[]> counted = new HashMap<>();
    SplittableRandom random = new SplittableRandom(42);
    int drains = 0;
    // Between two flips or drains the senders send a random number of packets (a random time would
    // be stretched by a busy machine into too few packets); on until every flow was sent.
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int cycle = 0; cycle < 40 || !everyFlowSent(sentPackets); cycle++) {
      long due = total(sentPackets) + random.nextInt(1, 200);
      while (total(sentPackets) < due) {
        assertThat(System.nanoTime()).as("senders sending").isLessThan(limit);
        Thread.yield();
      }
      if (random.nextInt(5) == 0) {
        program.flip(); // a bare flip leaves the old half's counters in place: a later drain collects them
      } else {
        program.flipAndDrain(64, flow -> add(counted, flow));
        drains++;
      }
    }
    stop.set(true);
    assertThat(done.await(30, TimeUnit.SECONDS)).as("senders stopped").isTrue();
    program.flipAndDrain(64, flow -> add(counted, flow));
    program.flipAndDrain(64, flow -> add(counted, flow)); // the table and half active during the one before

    assertThat(drains).as("drains while the packets were sent").isGreaterThan(20);
    assertThat(program.cachePackets()).as("packets counted in slots").isPositive();
    for (int index = 0; index < 2 * FLOWS.size(); index++) {
      long[] c = counted.getOrDefault(identity(index), new long[2]);
      assertThat(c[0]).as("packets of %s", identity(index)).isEqualTo(sentPackets.get(index));
      assertThat(c[1]).as("bytes of %s", identity(index)).isEqualTo(sentBytes.get(index));
    }
    assertThat(counted).as("no flow that was not sent").hasSize(2 * FLOWS.size());
  }

  private static long total(AtomicLongArray counts) {
    long sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      sum += counts.get(i);
    }
    return sum;
  }

  private static boolean everyFlowSent(AtomicLongArray sentPackets) {
    for (int i = 0; i < sentPackets.length(); i++) {
      if (sentPackets.get(i) == 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aFlowsNextPacketsGoToItsSlotAndItsFirstPacketInEachTableStillAnnouncesIt() {
    CaptureProgram program = defaults.program();
    byte[] packet = FLOWS.getFirst().frames().build();

    for (int i = 0; i < 10; i++) {
      ProgramTestRun.run(program.ingressProgramFd(), packet);
    }
    List<KernelFlow> first = defaults.drain();
    for (int i = 0; i < 4; i++) {
      ProgramTestRun.run(program.ingressProgramFd(), packet);
    }
    List<KernelFlow> second = defaults.drain();

    assertThat(first).singleElement().satisfies(f -> {
      assertThat(f.packets()).isEqualTo(10);
      assertThat(f.bytes()).isEqualTo(10L * FLOWS.getFirst().frames().l3Length());
      assertThat(f.tcpFlags()).isEqualTo(0x18);
    });
    assertThat(second).singleElement().satisfies(f -> assertThat(f.packets()).isEqualTo(4));
    assertThat(program.counter(Counter.NEW_FLOWS)).as("one table entry per flow and drain period").isEqualTo(2);
    assertThat(program.cachePackets()).as("all but each period's first packet counted in the slot").isEqualTo(9 + 3);
  }

  @Test
  void twoFlowsTakingTurnsInOneSlotDoNotEvictEachOtherForGood() {
    CaptureProgram program = oneSlot.program();
    byte[] a = FLOWS.get(0).frames().build();
    byte[] b = FLOWS.get(5).frames().build();
    for (int i = 0; i < 100; i++) {
      ProgramTestRun.run(program.ingressProgramFd(), a);
      ProgramTestRun.run(program.ingressProgramFd(), b);
    }

    assertThat(oneSlot.drain()).extracting(KernelFlow::packets).containsExactlyInAnyOrder(100L, 100L);
    // The first flow to take the slot keeps it until its next packet locks it in: from then on all
    // its packets go to the slot, the other flow's to the table.
    assertThat(program.cachePackets()).isBetween(90L, 99L);
  }

  @Test
  void aBareFlipLosesNothingAndEachPeriodKeepsItsFirstPacketsTime() {
    CaptureProgram program = defaults.program();
    byte[] packet = FLOWS.getFirst().frames().build();
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    ProgramTestRun.run(program.ingressProgramFd(), packet); // in the slot of the first table's half
    program.flip();
    long before = System.nanoTime();
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    long after = System.nanoTime();
    ProgramTestRun.run(program.ingressProgramFd(), packet);

    assertThat(defaults.drain()).singleElement().satisfies(f -> {
      assertThat(f.packets()).isEqualTo(2);
      assertThat(f.firstSeenNanos()).isBetween(before, after);
      assertThat(f.lastSeenNanos()).isGreaterThanOrEqualTo(f.firstSeenNanos());
    });
    assertThat(defaults.drain()).as("the table and half flipped away without a drain").singleElement()
        .satisfies(f -> assertThat(f.packets()).isEqualTo(2));
    assertThat(defaults.drain()).isEmpty();
  }

  /** Flow {@code index % FLOWS.size()} at ingress below FLOWS.size(), at egress from there. */
  private static String identity(int index) {
    return FLOWS.get(index % FLOWS.size()).name() + (index < FLOWS.size() ? " ingress" : " egress");
  }

  private static void add(Map<String, long[]> counted, KernelFlow flow) {
    String name = flow.protocol() + " " + flow.srcPort() + ">" + flow.dstPort()
        + (flow.direction() == KernelFlow.DIRECTION_INGRESS ? " ingress" : " egress");
    long[] c = counted.computeIfAbsent(name, k -> new long[2]);
    c[0] += flow.packets();
    c[1] += flow.bytes();
  }
}
