package dev.flowtel.collector.capture;

import dev.flowtel.collector.bpf.BpfException;
import dev.flowtel.collector.bpf.BpfMap;
import dev.flowtel.collector.bpf.BpfObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The loaded flowtel.bpf.o (the classpath resource built by src/main/bpf/build.sh): its TC
 * programs, its maps, and the switch between the two flow tables. Closing it unloads the programs
 * once nothing is attached any more.
 */
public final class CaptureProgram implements AutoCloseable {

  public static final String RESOURCE = "/dev/flowtel/collector/bpf/flowtel.bpf.o";
  static final String INGRESS = "flowtel_ingress";
  static final String EGRESS = "flowtel_egress";
  static final String DROPS = "flowtel_drop";
  static final String RTT = "flowtel_tcp_rtt";

  /** Indexes of the per-CPU counters (flowtel.h COUNTER_*). */
  public enum Counter {
    NEW_FLOWS, TABLE_FULL, RINGBUF_FULL, MALFORMED, NON_IP, SEEN_ELSEWHERE, DROPS, SKIPPED_FLOWS,
    /** Packets on a DNS port that are no DNS message the kernel reads (dns.h): skipped. */
    DNS_MALFORMED,
    /** DNS events lost because the dns_events ring buffer was full. */
    DNS_RINGBUF_FULL,
    /** DNS responses without a pending query: seen at a second hook, or their query was not seen or timed out. */
    DNS_UNMATCHED
  }

  /** flowtel.h IF_ROLE_SLOTS: entries of the if_role_slots array. */
  public static final int IF_ROLE_SLOTS = 16384;

  private final BpfObject object;
  private final BpfMap activeTable;
  private final BpfMap[] tables;
  private final BpfMap counters;
  private final BpfMap ifRoleSlots;
  private final BpfMap ifRoles;
  private final BpfMap newFlows;
  private final BpfMap dnsEvents;
  private final BpfMap tcpRtt;
  private final BpfMap podAddrs;
  private final BpfMap flowCache;
  private final BpfMap cacheHalf;
  private final int cacheSlots;
  private final int ingressFd;
  private final int egressFd;
  private final int dropsFd;
  private final int rttFd;
  private final int kernelTickRate;
  private final AtomicLong cachePackets = new AtomicLong();
  private int activeSlot; // which of tables the programs write, and which half of flowCache

  private CaptureProgram(BpfObject object, boolean drops, boolean rtt, int cacheSlots) {
    this.object = object;
    this.activeTable = object.map("active_table", 4, 4);
    this.tables = new BpfMap[] {
        object.map("flows_a", KernelFlow.KEY_SIZE, KernelFlow.VALUE_SIZE),
        object.map("flows_b", KernelFlow.KEY_SIZE, KernelFlow.VALUE_SIZE)};
    this.counters = object.map("counters", 4, 8);
    this.ifRoleSlots = object.map("if_role_slots", 4, 4);
    this.ifRoles = object.map("if_roles", 4, 4);
    this.newFlows = object.map("new_flows", 0, 0);
    this.dnsEvents = object.map("dns_events", 0, 0);
    this.tcpRtt = object.map("tcp_rtt", 40, 4);
    this.podAddrs = object.map("pod_addrs", 20, 4);
    this.flowCache = object.map("flow_cache", 4, KernelFlow.CACHE_SLOT_SIZE);
    this.cacheHalf = object.map("cache_half", 4, 4);
    this.cacheSlots = cacheSlots;
    this.ingressFd = object.programFd(INGRESS);
    this.egressFd = object.programFd(EGRESS);
    this.dropsFd = drops ? object.programFd(DROPS) : -1;
    this.rttFd = rtt ? object.programFd(RTT) : -1;
    this.kernelTickRate = readKernelTickRate(object);
  }

  /** CONFIG_HZ as libbpf resolved it into the object's .kconfig map (its only extern); 0 if unresolved. */
  private static int readKernelTickRate(BpfObject object) {
    String kconfig = object.mapNames().stream().filter(n -> n.endsWith(".kconfig")).findFirst().orElse(null);
    if (kconfig == null) {
      return 0;
    }
    BpfMap map = object.map(kconfig, 4, 4);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(4);
      return map.lookup(arena.allocateFrom(ValueLayout.JAVA_INT, 0), value) ? value.get(ValueLayout.JAVA_INT, 0) : 0;
    }
  }

  /**
   * The kernel's tick rate (CONFIG_HZ) as libbpf read it from /proc/config.gz or
   * /boot/config-&lt;release&gt;: an established flow's last seen is counted in these ticks. 0 when
   * neither file was readable; the programs then read the coarse clock for every packet, which
   * costs 40-50 ns more per packet.
   */
  public int kernelTickRate() {
    return kernelTickRate;
  }

  /** Loads the object with the settings' switches and table capacity. */
  public static CaptureProgram load(CaptureSettings settings) {
    return load(settings, false);
  }

  /**
   * As {@link #load(CaptureSettings)}; with {@code copyHeaders} the programs read every header
   * through bpf_skb_load_bytes, never in place: the path taken for packets whose headers are not in
   * the linear part of the skb, which tests cannot build otherwise (BPF_PROG_TEST_RUN packets are linear).
   */
  public static CaptureProgram load(CaptureSettings settings, boolean copyHeaders) {
    BpfObject object = BpfObject.open(objectBytes(), "flowtel.bpf.o");
    try {
      // struct flowtel_config: enable_rtt, enable_drops, announce_new_flows, copy_headers (u8 each), cache_slots,
      // capture_netns (u32), enable_dns, dns_port_count (u8), pad (u16), dns_ports (4 x u16), dns_timeout_ns (u64)
      int slots = settings.flowCacheSlots();
      ByteBuffer config = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
      config.put((byte) (settings.enableRtt() ? 1 : 0)).put((byte) (settings.enableDrops() ? 1 : 0))
          .put((byte) (settings.announceNewFlows() ? 1 : 0)).put((byte) (copyHeaders ? 1 : 0)).putInt(slots)
          .putInt(namespaceInode(settings.namespace()));
      config.put((byte) (settings.dnsEnabled() ? 1 : 0)).put((byte) settings.dnsPorts().size()).putShort((short) 0);
      for (int i = 0; i < CaptureSettings.MAX_DNS_PORTS; i++) {
        config.putShort((short) (i < settings.dnsPorts().size() ? settings.dnsPorts().get(i) : 0));
      }
      config.putLong(settings.dnsTimeout().toNanos());
      object.setReadOnlyData(config.array());
      if (!settings.dnsEnabled()) {
        // Nothing writes them: the smallest sizes the kernel takes (a ring buffer is at least a page).
        object.setMaxEntries("dns_events", 4096);
        object.setMaxEntries("dns_pending", 1);
      }
      object.setMaxEntries("flows_a", settings.tableCapacity());
      object.setMaxEntries("flows_b", settings.tableCapacity());
      object.setMaxEntries("flow_cache", Math.max(2, 2 * slots));
      if (!settings.enableRtt()) {
        // The RTT table is preallocated (65,536 entries, 7 MB) and only the RTT program writes it.
        object.setMaxEntries("tcp_rtt", BpfMap.possibleCpus());
      }
      // The inner-map template of active_table keeps its compiled size: the kernel does not
      // compare max_entries of hash maps put into a map of maps.
      object.setAutoload(DROPS, settings.enableDrops());
      object.setAutoload(RTT, settings.enableRtt());
      object.load();
      return new CaptureProgram(object, settings.enableDrops(), settings.enableRtt(), slots);
    } catch (RuntimeException e) {
      object.close();
      throw e;
    }
  }

  /**
   * The inode that identifies a network namespace (as the kernel's ns.inum): of the namespace file
   * given, or of this process's own. 0 when it cannot be read; drops then all carry ifindex 0.
   */
  static int namespaceInode(Path namespace) {
    Path file = namespace != null ? namespace : Path.of("/proc/self/ns/net");
    try {
      return (int) (long) (Long) Files.getAttribute(file, "unix:ino");
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  static byte[] objectBytes() {
    try (InputStream in = CaptureProgram.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new BpfException("the eBPF object " + RESOURCE + " is not on the classpath: build collector with Maven (it copies src/main/bpf/*.bpf.o)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new BpfException("cannot read " + RESOURCE + ": " + e.getMessage());
    }
  }

  public int ingressProgramFd() {
    return ingressFd;
  }

  public int egressProgramFd() {
    return egressFd;
  }

  /** fd of the drop program, -1 when the switch is off. */
  public int dropsProgramFd() {
    return dropsFd;
  }

  /** fd of the RTT program, -1 when the switch is off. */
  public int rttProgramFd() {
    return rttFd;
  }

  public BpfMap newFlowsRing() {
    return newFlows;
  }

  /** The ring buffer of DNS queries and responses (dns.h), read by {@link dev.flowtel.collector.dns.KernelDnsEvent}. */
  public BpfMap dnsEventsRing() {
    return dnsEvents;
  }

  public BpfMap rttTable() {
    return tcpRtt;
  }

  /** The flow table the programs write now. */
  public synchronized BpfMap activeFlowTable() {
    return tables[activeSlot];
  }

  /**
   * Points the programs at the other table and the other half of the per-CPU flow cache, and
   * returns the table they wrote until now. The cache half goes first: when this returns, the
   * kernel has waited for every program run that could still hold the old table (updating an
   * ARRAY_OF_MAPS slot does so), and so for every run that could still write the old cache half.
   * The returned table can be drained without racing; the old half's counters stay in the kernel
   * until {@link #flipAndDrain} collects them. A bare flip loses nothing, but the half keeps its
   * slots: when it is written again, its flows' packets go on into their slots without a new table
   * entry, announcement or count-once decision. The evictor only ever calls flipAndDrain.
   */
  public synchronized BpfMap flip() {
    int next = 1 - activeSlot;
    try (Arena arena = Arena.ofConfined()) {
      cacheHalf.update(arena.allocateFrom(ValueLayout.JAVA_INT, 0), arena.allocateFrom(ValueLayout.JAVA_INT, next), BpfMap.ANY);
      activeTable.update(arena.allocateFrom(ValueLayout.JAVA_INT, 0), arena.allocateFrom(ValueLayout.JAVA_INT, tables[next].fd()), BpfMap.ANY);
    }
    BpfMap previous = tables[activeSlot];
    activeSlot = next;
    return previous;
  }

  /**
   * Flips, then drains the table the programs wrote until now into {@code flows}, {@code batch}
   * entries per call, and adds what the per-CPU flow cache's old half counted (then clears it):
   * one KernelFlow per key. Entries with neither packets nor drops only mark a flow that another
   * hook counts (flowtel.bpf.c); they are removed with the rest but not passed on. Returns the
   * number of entries removed from the table, those included.
   */
  public synchronized long flipAndDrain(int batch, Consumer<KernelFlow> flows) {
    int oldHalf = activeSlot;
    BpfMap table = flip();
    // The slots first: there are few of them, so the table's many entries pass straight on and
    // only look themselves up here when some slot counted packets.
    Map<KernelFlow.Key, KernelFlow> cached = new LinkedHashMap<>();
    collectCacheHalf(oldHalf, flow -> cached.merge(flow.key(), flow, KernelFlow::plus));
    long removed = table.drain(batch, (key, value) -> {
      if (!KernelFlow.marksFlowCountedElsewhere(value)) {
        KernelFlow flow = KernelFlow.decode(key, value);
        KernelFlow slots = cached.isEmpty() ? null : cached.remove(flow.key());
        flows.accept(slots == null ? flow : flow.plus(slots));
      }
    });
    cached.values().forEach(flows);
    return removed;
  }

  /**
   * Reads every CPU's slots of a cache half that no program writes any more (see flip), passes on
   * the flows they counted, and clears the slots that were in use, so the half starts empty when
   * the programs write it again.
   */
  private void collectCacheHalf(int half, Consumer<KernelFlow> flows) {
    if (cacheSlots == 0) {
      return;
    }
    int cpus = BpfMap.possibleCpus();
    long stride = KernelFlow.CACHE_SLOT_SIZE; // per-CPU values are rounded up to 8 bytes: 104 already is
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment values = arena.allocate(stride * cpus, 8);
      MemorySegment empty = arena.allocate(stride * cpus, 8);
      for (int i = 0; i < cacheSlots; i++) {
        key.set(ValueLayout.JAVA_INT, 0, half * cacheSlots + i);
        if (!flowCache.lookup(key, values)) {
          continue;
        }
        boolean used = false;
        for (int cpu = 0; cpu < cpus; cpu++) {
          MemorySegment slot = values.asSlice(stride * cpu, stride);
          used |= KernelFlow.cacheSlotInUse(slot);
          KernelFlow flow = KernelFlow.fromCacheSlot(slot);
          if (flow != null) {
            cachePackets.addAndGet(flow.packets());
            flows.accept(flow);
          }
        }
        if (used) {
          flowCache.update(key, empty, BpfMap.ANY);
        }
      }
    }
  }

  /** Packets the per-CPU flow cache counted instead of the flow table, as collected by drains so far. */
  public long cachePackets() {
    return cachePackets.get();
  }

  public long counter(Counter counter) {
    return counters.sumPerCpu(counter.ordinal());
  }

  /**
   * Declares the role of an interface (flowtel.h ROLE_*), which decides where a packet is counted.
   * Ifindexes below {@link #IF_ROLE_SLOTS} go to the array the programs read without hashing.
   */
  public void setInterfaceRole(int ifindex, InterfaceRole role) {
    if (Integer.compareUnsigned(ifindex, IF_ROLE_SLOTS) < 0) {
      ifRoleSlots.updateInt(ifindex, role.code());
    } else if (role == InterfaceRole.ANY) {
      ifRoles.deleteInt(ifindex);
    } else {
      ifRoles.updateInt(ifindex, role.code());
    }
  }

  /** Forgets a vanished interface: its role and the pod addresses learnt on it. */
  public void forgetInterface(int ifindex) {
    setInterfaceRole(ifindex, InterfaceRole.ANY);
    java.util.List<byte[]> learnt = new java.util.ArrayList<>();
    podAddrs.forEach((key, value) -> {
      if (value.get(ValueLayout.JAVA_INT_UNALIGNED, 0) == ifindex) {
        learnt.add(key.toArray(ValueLayout.JAVA_BYTE));
      }
    });
    try (Arena arena = Arena.ofConfined()) {
      for (byte[] key : learnt) {
        podAddrs.delete(arena.allocateFrom(ValueLayout.JAVA_BYTE, key));
      }
    }
  }

  /** How many local pod addresses the programs have learnt (entries of pod_addrs). */
  public int learntPodAddresses() {
    int[] n = {0};
    podAddrs.forEach((key, value) -> n[0]++);
    return n[0];
  }

  /** Reads every RTT entry (local address/port as src) into {@code sink}. */
  void forEachRtt(BpfMap.EntryConsumer sink) {
    tcpRtt.forEach(sink);
  }

  @Override
  public void close() {
    object.close();
  }

  /** Where an interface sits; see flowtel.bpf.c counted_elsewhere. */
  public enum InterfaceRole {
    ANY(0), POD_VETH(1), UPLINK(2);

    private final int code;

    InterfaceRole(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

}
