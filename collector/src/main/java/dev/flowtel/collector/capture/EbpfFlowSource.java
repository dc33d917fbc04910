package dev.flowtel.collector.capture;

import dev.flowtel.collector.bpf.BpfException;
import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.KernelEnums;
import dev.flowtel.collector.bpf.RingBuffer;
import dev.flowtel.collector.bpf.Tracepoints;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import dev.flowtel.schema.FlowEvent;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flows from the kernel: loads flowtel.bpf.o, attaches it to the pod veths and uplinks as they
 * appear ({@link InterfaceAttacher}), drains the flow tables ({@link FlowEvictor}) and hands each
 * flow due for export to the sink as a {@link FlowEvent} ({@link FlowEventMapper}). The kernel is
 * never blocked: a slow sink only delays the next drain, while the programs keep counting into
 * the other table (when it fills, packets go uncounted and {@code TABLE_FULL} says how many).
 *
 * <p>The partition key is the flow's Community ID, the same for both directions of a connection;
 * enrichment, which knows the service edge, may replace it.
 */
public final class EbpfFlowSource implements FlowSource {

  private static final Logger LOG = LoggerFactory.getLogger(EbpfFlowSource.class);
  private static final long TICK_MILLIS = 50;

  private final CaptureSettings settings;
  private final AtomicLong newFlowsAnnounced = new AtomicLong();
  private final AtomicLong sinkFailures = new AtomicLong();
  private CaptureProgram program;
  private InterfaceAttacher attacher;
  private FlowEvictor evictor;
  private FlowEventMapper mapper;
  private RingBuffer ring;
  private final List<AutoCloseable> tracepoints = new ArrayList<>();
  private Thread evictorThread;
  private Thread ringThread;
  private volatile boolean running;
  private FlowSink sink;
  private Map<String, Long> rttSnapshot = Map.of();

  public EbpfFlowSource(CaptureSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "ebpf";
  }

  @Override
  public synchronized void start(FlowSink sink) {
    String unavailable = BpfSupport.unavailableReason();
    if (unavailable != null) {
      throw new BpfException("the ebpf source cannot run here: " + unavailable);
    }
    this.sink = sink;
    program = CaptureProgram.load(settings);
    if (program.kernelTickRate() == 0) {
      LOG.warn("the kernel's config is not readable (/proc/config.gz, /boot/config-<release>; mount the host's /boot): "
          + "flows' last seen reads the coarse clock for every packet, which costs the capture 40-50 ns more per packet");
    }
    try {
      if (settings.enableDrops()) {
        tracepoints.add(Tracepoints.attach(program.dropsProgramFd(), "tp_btf/kfree_skb"));
      }
      if (settings.enableRtt()) {
        tracepoints.add(Tracepoints.attach(program.rttProgramFd(), "tp_btf/tcp_probe"));
      }
      Map<Integer, String> dropReasons = settings.enableDrops() ? KernelEnums.names("skb_drop_reason", "SKB_DROP_REASON_") : Map.of();
      evictor = new FlowEvictor(program, settings, this::export);
      attacher = new InterfaceAttacher(program, settings, evictor::requestDrain);
      mapper = new FlowEventMapper(settings.nodeName(), attacher::interfaceName,
          reason -> dropReasons.getOrDefault(reason, Integer.toString(reason)));
      running = true;
      if (settings.announceNewFlows()) {
        ring = new RingBuffer(program.newFlowsRing(), record -> newFlowsAnnounced.incrementAndGet());
        ringThread = Thread.ofPlatform().name("flowtel-new-flows").daemon(true).start(this::pollRing);
      }
      attacher.start();
      evictorThread = Thread.ofPlatform().name("flowtel-evictor").daemon(true).start(this::evictLoop);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void pollRing() {
    while (running) {
      try {
        ring.poll(100);
      } catch (RuntimeException e) {
        LOG.warn("reading new-flow announcements failed: {}", e.getMessage());
      }
    }
  }

  private void evictLoop() {
    while (running) {
      try {
        evictor.tick(System.nanoTime());
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("draining the flow tables failed: {}", e.getMessage(), e);
      }
    }
  }

  private void export(List<KernelFlow> flows) {
    // System.nanoTime is CLOCK_MONOTONIC on Linux, the clock of bpf_ktime_get_ns.
    Instant wall = Instant.now();
    long offset = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - System.nanoTime();
    if (settings.enableRtt()) {
      rttSnapshot = readRtt();
    }
    for (KernelFlow flow : flows) {
      FlowEvent event = mapper.toEvent(flow, offset, this::rttOf);
      try {
        sink.flow(event, event.getCommunityId());
      } catch (RuntimeException e) {
        sinkFailures.incrementAndGet();
        LOG.warn("the sink refused a flow: {}", e.getMessage());
      }
    }
  }

  private long rttOf(KernelFlow flow) {
    Long rtt = rttSnapshot.get(rttKey(flow.srcAddr(), flow.srcPort(), flow.dstAddr(), flow.dstPort()));
    if (rtt == null) {
      rtt = rttSnapshot.get(rttKey(flow.dstAddr(), flow.dstPort(), flow.srcAddr(), flow.srcPort()));
    }
    return rtt == null ? -1 : rtt;
  }

  private static String rttKey(byte[] src, int srcPort, byte[] dst, int dstPort) {
    return Arrays.toString(src) + srcPort + '>' + Arrays.toString(dst) + dstPort;
  }

  private Map<String, Long> readRtt() {
    Map<String, Long> rtt = new HashMap<>();
    var u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    program.rttTable().forEach((key, value) -> {
      int length = key.get(ValueLayout.JAVA_BYTE, 36) == 4 ? 4 : 16;
      byte[] src = key.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
      byte[] dst = key.asSlice(16, length).toArray(ValueLayout.JAVA_BYTE);
      rtt.put(rttKey(src, key.get(u16, 32) & 0xFFFF, dst, key.get(u16, 34) & 0xFFFF),
          (long) value.get(ValueLayout.JAVA_INT_UNALIGNED, 0) & 0xFFFFFFFFL);
    });
    return rtt;
  }

  /** Interfaces the programs are attached to now. */
  public List<String> attachedInterfaces() {
    return attacher == null ? List.of() : attacher.attachedInterfaces();
  }

  /** Counters for the collector's metrics. */
  public CaptureMetrics metrics() {
    CaptureProgram p = program;
    FlowEvictor e = evictor;
    if (p == null || e == null) {
      return new CaptureMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    long tableFull = 0;
    long ringFull = 0;
    long malformed = 0;
    try {
      tableFull = p.counter(CaptureProgram.Counter.TABLE_FULL);
      ringFull = p.counter(CaptureProgram.Counter.RINGBUF_FULL);
      malformed = p.counter(CaptureProgram.Counter.MALFORMED);
    } catch (RuntimeException closing) {
      // a scrape racing close(): the kernel counters are gone, report what user space knows
    }
    return new CaptureMetrics(e.exportedFlows(), e.activeTableEntries(), e.cachedFlows(), e.drains(), e.earlyDrains(), e.drainedEntries(),
        tableFull, ringFull, newFlowsAnnounced.get(), malformed, sinkFailures.get(), p.cachePackets());
  }

  /** Detaches, drains both tables one last time into the sink, unloads. */
  @Override
  public synchronized void close() {
    boolean wasRunning = running;
    running = false;
    if (attacher != null) {
      attacher.close();
    }
    if (evictorThread != null) {
      evictorThread.interrupt();
      joinQuietly(evictorThread);
    }
    if (wasRunning && evictor != null) {
      try {
        evictor.flushAll();
      } catch (RuntimeException e) {
        LOG.warn("the last drain failed: {}", e.getMessage());
      }
    }
    if (ringThread != null) {
      joinQuietly(ringThread);
    }
    if (ring != null) {
      ring.close();
      ring = null;
    }
    for (AutoCloseable tp : tracepoints) {
      try {
        tp.close();
      } catch (Exception e) {
        LOG.warn("detaching a tracepoint failed: {}", e.getMessage());
      }
    }
    tracepoints.clear();
    if (program != null) {
      program.close();
      program = null;
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
