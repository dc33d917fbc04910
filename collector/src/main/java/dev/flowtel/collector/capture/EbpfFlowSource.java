package dev.flowtel.collector.capture;

import dev.flowtel.collector.bpf.BpfException;
import dev.flowtel.collector.bpf.BpfSupport;
import dev.flowtel.collector.bpf.KernelEnums;
import dev.flowtel.collector.bpf.RingBuffer;
import dev.flowtel.collector.bpf.TcHook;
import dev.flowtel.collector.bpf.Tracepoints;
import dev.flowtel.collector.dns.DnsTransactionAssembler;
import dev.flowtel.collector.dns.KernelDnsEvent;
import dev.flowtel.core.source.FlowSink;
import dev.flowtel.core.source.FlowSource;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.schema.FlowEvent;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
  private RingBuffer dnsRing;
  private DnsTransactionAssembler dnsAssembler;
  private Thread dnsThread;
  private final AtomicLong dnsTransactionsDelivered = new AtomicLong();
  private final AtomicLong dnsConsumerFailures = new AtomicLong();
  private long dnsEpochOffset;
  private final List<AutoCloseable> tracepoints = new ArrayList<>();
  private Thread evictorThread;
  private Thread ringThread;
  private volatile boolean running;
  private FlowSink sink;
  private Map<String, Long> rttSnapshot = Map.of();
  private volatile Consumer<DnsTransaction> dnsTransactions = transaction -> { };

  public EbpfFlowSource(CaptureSettings settings) {
    this.settings = settings;
  }

  /**
   * Registers who receives the DNS transactions the kernel saw (when {@link CaptureSettings#dnsEnabled()}): one
   * {@link DnsTransaction} per query, once its response passed a hook, or with {@code responseCode}, {@code responseTime}
   * and {@code latencyNanos} null once {@link CaptureSettings#dnsTimeout()} passed without one. Every field is set but
   * {@code client} and {@code server}, which enrichment fills. Called on the capture's DNS thread
   * ("flowtel-dns"), one transaction at a time; an exception it throws is logged and the transaction dropped, so it
   * should hand work off rather than block. Register before {@link #start}; the last registration wins.
   *
   * @return this source
   */
  public EbpfFlowSource onDnsTransaction(Consumer<DnsTransaction> consumer) {
    this.dnsTransactions = Objects.requireNonNull(consumer, "consumer");
    return this;
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
      if (settings.dnsEnabled()) {
        dnsAssembler = new DnsTransactionAssembler(settings.nodeName(), attacher::interfaceName, settings.dnsTimeout(),
            this::deliverDns);
        dnsRing = new RingBuffer(program.dnsEventsRing(),
            record -> dnsAssembler.accept(KernelDnsEvent.decode(record), dnsEpochOffset));
        dnsThread = Thread.ofPlatform().name("flowtel-dns").daemon(true).start(this::pollDns);
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

  /** The DNS thread: reads the kernel's DNS events and reports queries whose timeout passed. */
  private void pollDns() {
    while (running) {
      try {
        dnsEpochOffset = epochOffsetNanos();
        dnsRing.poll(100);
        long now = System.nanoTime();
        dnsAssembler.expire(now, dnsEpochOffset);
      } catch (RuntimeException e) {
        LOG.warn("reading DNS events failed: {}", e.getMessage());
      }
    }
  }

  private void deliverDns(dev.flowtel.schema.DnsTransaction transaction) {
    try {
      dnsTransactions.accept(transaction);
      dnsTransactionsDelivered.incrementAndGet();
    } catch (RuntimeException e) {
      dnsConsumerFailures.incrementAndGet();
      LOG.warn("the DNS transaction consumer failed: {}", e.getMessage());
    }
  }

  /** Epoch nanoseconds minus CLOCK_MONOTONIC nanoseconds (System.nanoTime is CLOCK_MONOTONIC on Linux, bpf_ktime_get_ns's clock). */
  private static long epochOffsetNanos() {
    Instant wall = Instant.now();
    return wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - System.nanoTime();
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
    long offset = epochOffsetNanos();
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
    DnsTransactionAssembler assembler = dnsAssembler;
    if (p == null || e == null) {
      return new CaptureMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    long tableFull = 0;
    long ringFull = 0;
    long malformed = 0;
    long dnsMalformed = 0;
    long dnsRingFull = 0;
    long dnsUnmatched = 0;
    try {
      tableFull = p.counter(CaptureProgram.Counter.TABLE_FULL);
      ringFull = p.counter(CaptureProgram.Counter.RINGBUF_FULL);
      malformed = p.counter(CaptureProgram.Counter.MALFORMED);
      dnsMalformed = p.counter(CaptureProgram.Counter.DNS_MALFORMED);
      dnsRingFull = p.counter(CaptureProgram.Counter.DNS_RINGBUF_FULL);
      dnsUnmatched = p.counter(CaptureProgram.Counter.DNS_UNMATCHED);
    } catch (RuntimeException closing) {
      // a scrape racing close(): the kernel counters are gone, report what user space knows
    }
    return new CaptureMetrics(e.exportedFlows(), e.activeTableEntries(), e.cachedFlows(), e.drains(), e.earlyDrains(), e.drainedEntries(),
        tableFull, ringFull, newFlowsAnnounced.get(), malformed, sinkFailures.get(), p.cachePackets(),
        attacher == null ? 0 : attacher.shadowedHooks(TcHook.Point.INGRESS), attacher == null ? 0 : attacher.shadowedHooks(TcHook.Point.EGRESS),
        dnsTransactionsDelivered.get(), dnsMalformed, dnsRingFull, dnsUnmatched,
        assembler == null ? 0 : assembler.unanswered(), assembler == null ? 0 : assembler.malformed(),
        assembler == null ? 0 : assembler.pendingQueries());
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
    if (dnsThread != null) {
      joinQuietly(dnsThread);
      dnsThread = null;
    }
    if (dnsRing != null) {
      try {
        // What the kernel reported until now; queries still within their timeout are not reported.
        dnsRing.consume();
        dnsAssembler.expire(System.nanoTime(), epochOffsetNanos());
      } catch (RuntimeException e) {
        LOG.warn("reading the last DNS events failed: {}", e.getMessage());
      }
      dnsRing.close();
      dnsRing = null;
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
