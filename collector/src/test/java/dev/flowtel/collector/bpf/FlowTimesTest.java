package dev.flowtel.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.capture.CaptureProgram;
import dev.flowtel.collector.capture.CaptureSettings;
import dev.flowtel.collector.capture.KernelFlow;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flow's first and last seen, as the kernel records them (BPF_PROG_TEST_RUN): the first packet's
 * time is exact, a later packet's is counted in kernel ticks from it (from the first packet in the
 * table, or the first in the flow's per-CPU cache slot), so it is within one tick (at most 10 ms,
 * at 100 Hz) of when the packet passed. The JVM's nanoTime reads the same CLOCK_MONOTONIC as the
 * program.
 */
@Tag("ebpf")
class FlowTimesTest {

  /** A tick at the slowest common rate, 100 Hz. */
  private static final long TICK_LIMIT = 10_000_000L;

  @RegisterExtension
  final LoadedCaptureProgram loaded = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256));
  /** Without the per-CPU flow cache: every packet takes the flow-table path. */
  @RegisterExtension
  final LoadedCaptureProgram tableOnly = new LoadedCaptureProgram(CaptureSettings.defaults("n").withTableCapacity(256).withFlowCacheSlots(0));
  private CaptureProgram program;

  @BeforeEach
  void program() {
    program = loaded.program();
  }

  @Test
  void lastSeenFollowsTheLastPacketWithinOneTick() throws Exception {
    byte[] packet = Frames.ip("10.0.0.1", "10.0.0.2").tcp(40000, 80, 0x10, 0).payload(10).build();

    long beforeFirst = System.nanoTime();
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    long afterFirst = System.nanoTime();
    Thread.sleep(120);
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    Thread.sleep(40);
    long beforeLast = System.nanoTime();
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    long afterLast = System.nanoTime();

    List<KernelFlow> flows = loaded.drain();
    assertThat(flows).singleElement().satisfies(flow -> {
      assertThat(flow.packets()).isEqualTo(3);
      assertThat(flow.firstSeenNanos()).isBetween(beforeFirst, afterFirst);
      assertThat(flow.lastSeenNanos()).isBetween(beforeLast - TICK_LIMIT, afterLast + TICK_LIMIT);
      assertThat(flow.lastSeenNanos()).isGreaterThanOrEqualTo(flow.firstSeenNanos());
    });
  }

  @Test
  void withTheKernelsTickRateKnownLastSeenIsAWholeNumberOfTicksAfterFirstSeen() throws Exception {
    CaptureProgram program = tableOnly.program();
    int hz = program.kernelTickRate();
    assumeThat(hz).as("the kernel config (/proc/config.gz, /boot/config-*) is not readable here").isPositive();
    byte[] packet = Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build();

    ProgramTestRun.run(program.ingressProgramFd(), packet);
    Thread.sleep(30);
    ProgramTestRun.run(program.ingressProgramFd(), packet);

    List<KernelFlow> flows = tableOnly.drain();
    long elapsed = flows.getFirst().lastSeenNanos() - flows.getFirst().firstSeenNanos();
    assertThat(elapsed).isPositive();
    assertThat(elapsed % (1_000_000_000L / hz)).as("ticks of %d Hz", hz).isZero();
  }

  @Test
  void packetsMomentsApartGetTimesMomentsApart() {
    byte[] packet = Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build();

    long before = System.nanoTime();
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    ProgramTestRun.run(program.ingressProgramFd(), packet);
    long after = System.nanoTime();

    List<KernelFlow> flows = loaded.drain();
    KernelFlow flow = flows.getFirst();
    assertThat(flow.lastSeenNanos() - flow.firstSeenNanos()).isBetween(0L, after - before + TICK_LIMIT);
  }
}
