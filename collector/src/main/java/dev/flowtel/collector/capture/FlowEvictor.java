package dev.flowtel.collector.capture;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Moves flow counters out of the kernel and decides when a flow is exported.
 *
 * <p>How no increment is lost: the programs write one of two identical hash tables, chosen by
 * slot 0 of an ARRAY_OF_MAPS. A drain first points that slot at the other table; the update
 * returns only after every program run that could still hold the old table has finished (the
 * kernel waits for an RCU grace period on map-of-maps updates). The old table is then drained
 * with bpf_map_lookup_and_delete_batch while nothing writes it. A per-entry read-then-delete on a
 * live table would lose what a CPU adds between the two.
 *
 * <p>Drained counters are merged into a cache here, per kernel key (5-tuple, interface,
 * direction). A cached flow is exported when it has seen no packet for the idle timeout, or when
 * its first packet is older than the active timeout, whichever comes first; the table is drained
 * every drain interval, and earlier when the active table is fuller than the fill threshold. The
 * cache holds at most four tables' worth of flows: past that, every cached flow is exported at once.
 * Not thread-safe except for {@link #requestDrain}: one thread (its own, or the caller's in tests)
 * runs cycles.
 */
public final class FlowEvictor {

  private final CaptureProgram program;
  private final CaptureSettings settings;
  private final Consumer<List<KernelFlow>> exporter;
  private final Map<KernelFlow.Key, KernelFlow> cache = new LinkedHashMap<>();
  private final AtomicLong drainedEntries = new AtomicLong();
  private final AtomicLong drains = new AtomicLong();
  private final AtomicLong earlyDrains = new AtomicLong();
  private final AtomicLong exportedFlows = new AtomicLong();
  private final AtomicLong drainNanos = new AtomicLong();
  private final AtomicLong forcedExports = new AtomicLong();
  private volatile long activeTableEntries;
  private volatile boolean drainRequested;
  private long newFlowsAtFlip;
  private long lastCycleNanos;

  /** @param exporter receives every batch of flows due for export (called on the evictor's thread) */
  public FlowEvictor(CaptureProgram program, CaptureSettings settings, Consumer<List<KernelFlow>> exporter) {
    this.program = program;
    this.settings = settings;
    this.exporter = exporter;
    this.newFlowsAtFlip = insertedEntries();
  }

  /** Entries the programs have inserted so far: counted flows and the marks of flows counted elsewhere. */
  private long insertedEntries() {
    return program.counter(CaptureProgram.Counter.NEW_FLOWS) + program.counter(CaptureProgram.Counter.SKIPPED_FLOWS);
  }

  /**
   * Called every few tens of milliseconds by the owning thread: runs a cycle when the drain
   * interval is over, when the active table is fuller than the threshold, or when asked to.
   */
  public void tick(long nowNanos) {
    long inserted = insertedEntries() - newFlowsAtFlip;
    activeTableEntries = inserted;
    boolean full = inserted >= (long) (settings.tableCapacity() * settings.earlyDrainFill());
    boolean due = nowNanos - lastCycleNanos >= settings.drainInterval().toNanos();
    if (full || due || drainRequested) {
      if (full && !due) {
        earlyDrains.incrementAndGet();
      }
      drainRequested = false;
      cycle(nowNanos);
    }
  }

  /** Asks the owning thread to drain at its next tick. */
  public void requestDrain() {
    drainRequested = true;
  }

  /** Flips, drains the table the programs wrote until now, exports what is due; returns flows exported. */
  public int cycle(long nowNanos) {
    lastCycleNanos = nowNanos;
    drainIntoCache();
    List<KernelFlow> due = new ArrayList<>();
    long idle = settings.idleTimeout().toNanos();
    long active = settings.activeTimeout().toNanos();
    for (Iterator<KernelFlow> it = cache.values().iterator(); it.hasNext(); ) {
      KernelFlow flow = it.next();
      if (nowNanos - flow.lastSeenNanos() >= idle || nowNanos - flow.firstSeenNanos() >= active) {
        due.add(flow);
        it.remove();
      }
    }
    if (cache.size() > maxCachedFlows()) {
      // Bounded memory under a flood of short flows: export early rather than grow.
      forcedExports.addAndGet(cache.size());
      due.addAll(cache.values());
      cache.clear();
    }
    export(due);
    return due.size();
  }

  /** Drains both tables and exports every cached flow: at shutdown, after detaching. */
  public int flushAll() {
    drainIntoCache();
    drainIntoCache(); // the table that was active during the first drain
    List<KernelFlow> all = new ArrayList<>(cache.values());
    cache.clear();
    export(all);
    return all.size();
  }

  private void drainIntoCache() {
    long start = System.nanoTime();
    long inserted = insertedEntries();
    long n = program.flipAndDrain(1024, flow -> cache.merge(flow.key(), flow, KernelFlow::plus));
    newFlowsAtFlip = inserted;
    drainedEntries.addAndGet(n);
    drains.incrementAndGet();
    drainNanos.addAndGet(System.nanoTime() - start);
  }

  private void export(List<KernelFlow> flows) {
    if (!flows.isEmpty()) {
      exportedFlows.addAndGet(flows.size());
      exporter.accept(flows);
    }
  }

  /** The cache holds at most four kernel tables' worth of flows; beyond that every cached flow is exported at once. */
  long maxCachedFlows() {
    return 4L * settings.tableCapacity();
  }

  /** Flows exported before their timeout because the cache was over {@link #maxCachedFlows()}. */
  public long forcedExports() {
    return forcedExports.get();
  }

  /** Entries drained from the kernel so far (one per flow, interface and direction per drain). */
  public long drainedEntries() {
    return drainedEntries.get();
  }

  public long drains() {
    return drains.get();
  }

  /** Drains started before the interval because the table was filling up. */
  public long earlyDrains() {
    return earlyDrains.get();
  }

  public long exportedFlows() {
    return exportedFlows.get();
  }

  /** Time spent flipping and draining, in total. */
  public long drainNanos() {
    return drainNanos.get();
  }

  /** Approximate entries in the active kernel table (inserted since the last flip). */
  public long activeTableEntries() {
    return activeTableEntries;
  }

  /** Flows held here waiting for their timeout. */
  public int cachedFlows() {
    return cache.size();
  }
}
