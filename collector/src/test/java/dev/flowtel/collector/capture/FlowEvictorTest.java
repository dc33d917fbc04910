package dev.flowtel.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.Frames;
import dev.flowtel.collector.bpf.ProgramTestRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The evictor against the real program (packets injected with BPF_PROG_TEST_RUN, times chosen by
 * the test): idle and active timeouts, early drains on a filling table, and no increment lost
 * while threads keep counting during drains.
 */
@Tag("ebpf")
class FlowEvictorTest {

  private static final long SECOND = 1_000_000_000L;
  private CaptureProgram program;
  private final List<KernelFlow> exported = new ArrayList<>();
  private FlowEvictor evictor;
  private CaptureSettings settings;

  @BeforeEach
  void load() {
    String reason = BpfSupport.unavailableReason();
    assumeThat(reason).as("eBPF not permitted here: %s", reason).isNull();
    settings = CaptureSettings.defaults("n").withTableCapacity(1000)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1));
    program = CaptureProgram.load(settings);
    evictor = new FlowEvictor(program, settings, flows -> {
      synchronized (exported) {
        exported.addAll(flows);
      }
    });
  }

  @AfterEach
  void unload() {
    if (program != null) {
      program.close();
    }
  }

  @Test
  void aFlowIsExportedOnceIdleForTheIdleTimeoutWithAllItsDrains() {
    send(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).payload(10).build());
    long lastPacket = System.nanoTime();
    evictor.cycle(lastPacket + SECOND / 2);
    send(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).payload(10).build());
    long secondPacket = System.nanoTime();

    evictor.cycle(secondPacket + SECOND); // drained, merged, not idle long enough yet
    assertThat(exported).isEmpty();
    assertThat(evictor.cachedFlows()).isEqualTo(1);

    evictor.cycle(secondPacket + 2 * SECOND);
    assertThat(exported).hasSize(1);
    assertThat(exported.get(0).packets()).isEqualTo(2);
    assertThat(exported.get(0).bytes()).isEqualTo(2 * (20 + 8 + 10));
    assertThat(evictor.cachedFlows()).isZero();
  }

  @Test
  void aBusyFlowIsExportedAtTheActiveTimeout() {
    long start = System.nanoTime();
    send(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build());
    evictor.cycle(start + SECOND);
    send(Frames.ip("10.0.0.1", "10.0.0.2").udp(1, 2).build());

    // no packet for < idle timeout, but first packet older than the active timeout
    long now = System.nanoTime();
    evictor.cycle(Math.max(now + SECOND, start + 5 * SECOND + 1));

    assertThat(exported).hasSize(1);
    assertThat(exported.get(0).packets()).isEqualTo(2);
  }

  @Test
  void aFillingTableIsDrainedBeforeTheInterval() {
    long now = System.nanoTime();
    evictor.tick(now); // first tick: due (never drained), resets the interval
    for (int i = 0; i < 800; i++) { // 80% of 1000
      send(Frames.ip("10.0.0.1", "10.1." + (i / 256) + "." + (i % 256)).udp(1, 2).build());
    }

    evictor.tick(now + 1); // long before the 1 s interval

    assertThat(evictor.earlyDrains()).isEqualTo(1);
    assertThat(evictor.drainedEntries()).isEqualTo(800);
  }

  @Test
  void noIncrementIsLostWhileDrainingUnderLoad() throws Exception {
    byte[][] frames = {
        Frames.ip("10.0.0.1", "10.0.0.2").udp(1000, 53).payload(1).build(),
        Frames.ip("10.0.0.3", "10.0.0.2").udp(1000, 53).payload(1).build()};
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (byte[] frame : frames) {
      writers.add(Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          ProgramTestRun.run(program.ingressProgramFd(), frame);
          sent.incrementAndGet();
        }
      }));
    }
    // Every drain has writes in flight around it: each waits until the writers sent since the last.
    int cycles = 0;
    while (cycles < 250) { // about what 2 s of draining made on an idle machine
      long before = sent.get();
      long limit = System.nanoTime() + 60 * SECOND;
      while (sent.get() == before) {
        assertThat(System.nanoTime()).as("writers sending").isLessThan(limit);
        Thread.yield();
      }
      evictor.cycle(System.nanoTime() + 10 * SECOND); // export everything each time
      cycles++;
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    evictor.flushAll();

    long packets = exported.stream().mapToLong(KernelFlow::packets).sum();
    long bytes = exported.stream().mapToLong(KernelFlow::bytes).sum();
    assertThat(cycles).isGreaterThan(10);
    assertThat(packets).isEqualTo(sent.get());
    assertThat(bytes).isEqualTo(sent.get() * (20 + 8 + 1));
  }

  private void send(byte[] frame) {
    ProgramTestRun.run(program.ingressProgramFd(), frame);
  }
}
