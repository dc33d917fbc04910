package dev.flowtel.streams.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.streams.input.Outbound;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.store.TimeOrderedKeys;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The traffic windows of one task, in its stores, with the Flink job's semantics: a flow is added to
 * its window of every size; a window is emitted (revision 0) when the watermark reaches its end - 1;
 * a flow arriving after that, within the allowed lateness, updates it, and all such updates between
 * two watermark advances become one revision; the window is forgotten once the watermark passes
 * end - 1 + allowed lateness. Where the watermark comes from is the processor's business.
 *
 * <p>Kafka Streams' own windowed aggregation emits either on every update or once at close, not
 * revisions after close, so this keeps its own stores (RocksDB, changelogged): per window size, open
 * windows keyed by their last timestamp, and emitted windows within the allowed lateness keyed by
 * their cleanup time, so both are found by a scan from the start. The base windows' latest records
 * can also be kept in a store for queries, for {@code --query-retention}.
 *
 * <p>Open windows are pre-combined on the heap ({@link OpenWindows}) and written to their stores only
 * by {@link #flush()}, which the processor has run before every commit of its task; a window that
 * closes is emitted from the heap. The open stores therefore have no record cache (see
 * {@link dev.flowtel.streams.store.BeforeCommit}).
 */
final class TrafficWindowState {

  /**
   * Open windows kept as objects on the heap, per size and task (see {@link OpenWindows}); beyond it,
   * the least recently used are written to the store and read back when needed.
   */
  static final int OPEN_WINDOWS_ON_HEAP = 8_192;

  private final long[] sizes;
  private final long allowedLateness;
  private final long queryRetention;
  private final String trafficTopic;
  private final AppMetrics metrics;
  private final WireCodec<ServiceTraffic> codec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final ProcessorContext<byte[], Routed> context;
  private final OpenWindows[] open;
  private final KeyValueStore<Bytes, byte[]>[] fired;
  private final KeyValueStore<Bytes, byte[]> latest;
  private final List<Set<Bytes>> pending = new ArrayList<>();

  /**
   * @param storePrefix the stores are {@code <prefix>-open-<size>} and {@code <prefix>-fired-<size>}
   * @param latestStore the store of the base windows' latest records for queries, or null for none
   */
  @SuppressWarnings("unchecked")
  TrafficWindowState(ProcessorContext<byte[], Routed> context, long[] sizes, TrafficSettings settings, AppMetrics metrics,
      String storePrefix, String latestStore) {
    this.context = context;
    this.sizes = sizes.clone();
    this.allowedLateness = settings.allowedLateness().toMillis();
    this.queryRetention = latestStore == null ? 0 : settings.queryRetention().toMillis();
    this.trafficTopic = settings.trafficTopic();
    this.metrics = metrics;
    open = new OpenWindows[sizes.length];
    fired = new KeyValueStore[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      open[i] = new OpenWindows(context.getStateStore(openStore(storePrefix, sizes[i])), OPEN_WINDOWS_ON_HEAP);
      fired[i] = context.getStateStore(firedStore(storePrefix, sizes[i]));
      // Late updates not yet emitted when the task last stopped.
      Set<Bytes> due = new LinkedHashSet<>();
      try (KeyValueIterator<Bytes, byte[]> it = fired[i].all()) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> e = it.next();
          if (e.value[4] == 1) {
            due.add(e.key);
          }
        }
      }
      pending.add(due);
    }
    latest = latestStore == null ? null : context.getStateStore(latestStore);
  }

  static String openStore(String prefix, long size) {
    return prefix + "-open-" + size;
  }

  static String firedStore(String prefix, long size) {
    return prefix + "-fired-" + size;
  }

  /** The store whose task commits write the windows' flows not yet in their stores ({@link #flush}). */
  static String beforeCommitStore(String prefix) {
    return prefix + "-before-commit";
  }

  /** Writes the open windows' flows not yet in their stores: before every commit of the task. */
  void flush() {
    for (OpenWindows windows : open) {
      windows.flush();
    }
  }

  /** Adds a flow that is not too late (the caller checked) to its window of every size. */
  void add(ClassifiedFlow flow, long watermark) {
    for (int i = 0; i < sizes.length; i++) {
      add(i, flow, watermark);
    }
  }

  private void add(int i, ClassifiedFlow flow, long watermark) {
    long maxTs = TrafficWindows.maxTimestamp(flow.eventTimeMillis(), sizes[i]);
    if (maxTs > watermark) {
      open[i].add(maxTs, flow);
      return;
    }
    long cleanup = maxTs + allowedLateness;
    if (cleanup <= watermark) {
      return; // cannot happen: the base window's check before the call is the strictest
    }
    Bytes key = TimeOrderedKeys.of(cleanup, flow.edgeKey());
    byte[] stored = fired[i].get(key);
    int revision = stored == null ? 0 : ByteBuffer.wrap(stored).getInt();
    TrafficAccumulator acc = stored == null ? new TrafficAccumulator() : read(stored, 5);
    acc.add(flow);
    fired[i].put(key, writeFired(acc, revision, true));
    pending.get(i).add(key);
  }

  /** Event time reached {@code watermark}: late updates, then closing windows, then cleanup. */
  void advance(long watermark) {
    for (int i = 0; i < sizes.length; i++) {
      long size = sizes[i];
      for (Bytes key : pending.get(i)) {
        byte[] stored = fired[i].get(key);
        if (stored == null) {
          continue;
        }
        int revision = ByteBuffer.wrap(stored).getInt();
        TrafficAccumulator acc = read(stored, 5);
        long maxTs = TimeOrderedKeys.time(key) - allowedLateness;
        emit(acc, maxTs + 1 - size, maxTs + 1, revision, i == 0);
        fired[i].put(key, writeFired(acc, revision + 1, false));
      }
      pending.get(i).clear();

      int index = i;
      open[i].close(watermark, (key, maxTs, acc) -> {
        emit(acc, maxTs + 1 - size, maxTs + 1, 0, index == 0);
        if (maxTs + allowedLateness > watermark) {
          fired[index].put(TimeOrderedKeys.of(maxTs + allowedLateness, TimeOrderedKeys.key(key)), writeFired(acc, 1, false));
        }
      });

      deleteUpTo(fired[i], watermark);
    }
    if (latest != null && queryRetention > 0) {
      deleteUpTo(latest, watermark - queryRetention);
    }
  }

  private static void deleteUpTo(KeyValueStore<Bytes, byte[]> store, long time) {
    List<Bytes> expired = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(time))) {
      while (it.hasNext()) {
        Bytes key = it.next().key;
        if (TimeOrderedKeys.time(key) > time) {
          break;
        }
        expired.add(key);
      }
    }
    expired.forEach(store::delete);
  }

  private void emit(TrafficAccumulator acc, long start, long end, int revision, boolean queryable) {
    ServiceTraffic traffic = acc.toServiceTraffic(start, end, revision);
    byte[] value = codec.encode(traffic);
    metrics.trafficRecords.increment();
    if (revision == 0) {
      metrics.producedLatency.of("traffic").recordSince(end, System.currentTimeMillis());
    }
    context.forward(new Record<>(TrafficWindows.recordKey(traffic).getBytes(StandardCharsets.UTF_8),
        new Outbound(trafficTopic, value), end));
    if (queryable && latest != null && queryRetention > 0) {
      latest.put(TimeOrderedKeys.of(start, acc.edge().key()), value);
    }
  }

  /** Open windows hold the accumulator alone ({@link OpenWindows}); emitted ones a revision counter and a pending flag first. */
  private byte[] writeFired(TrafficAccumulator acc, int revision, boolean pendingUpdate) {
    buffer.reset();
    try {
      DataOutputStream out = new DataOutputStream(buffer);
      out.writeInt(revision);
      out.writeByte(pendingUpdate ? 1 : 0);
      acc.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  static TrafficAccumulator read(byte[] stored, int offset) {
    try {
      return TrafficAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(stored, offset, stored.length - offset)));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable traffic window state", e);
    }
  }
}
