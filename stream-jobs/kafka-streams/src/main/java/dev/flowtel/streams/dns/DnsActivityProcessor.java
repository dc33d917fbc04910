package dev.flowtel.streams.dns;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.core.dns.activity.DnsExchange;
import dev.flowtel.schema.DnsActivity;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.streams.input.DeadLetters;
import dev.flowtel.streams.input.Outbound;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.store.TimeOrderedKeys;
import dev.flowtel.streams.time.UpstreamWatermarks;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.wire.DeadLetterHeaders;
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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * DnsActivity per window, client and name, after the repartition by client, with the traffic
 * windows' semantics (core's {@link DnsActivityWindows}): a client's window is emitted (revision 0,
 * one row per name and the {@code (other)} row) when event time, the least watermark of the DNS
 * topic's partitions, reaches its end - 1; queries arriving after that within the allowed lateness
 * update it, all updates between two watermark advances making one revision; a query later than that
 * went to the dead-letter topic as {@code late} from the router ({@link DnsRouter}).
 *
 * <p>Plain changelogged stores, no pre-combining on the heap (as the flows' traffic windows do): DNS
 * is a few queries per workload per second against the flows' thousands, so reading and writing
 * one client's window per query costs little, and every change is in the store, so in the task's
 * exactly-once transaction, when the task commits. Open windows are keyed by their last millisecond
 * and the client, emitted ones by their cleanup time and the client, so a scan from the start finds
 * what is due.
 */
public final class DnsActivityProcessor implements Processor<String, byte[], byte[], Routed> {

  public static final String OPEN = "dns-activity-open";
  public static final String FIRED = "dns-activity-fired";

  private final DnsSettings settings;
  private final AppMetrics metrics;
  private final WireCodec<DnsTransaction> input = WireCodec.of(RecordType.DNS_TRANSACTION);
  private final WireCodec<DnsActivity> output = WireCodec.of(RecordType.DNS_ACTIVITY);
  private final UpstreamWatermarks watermark = new UpstreamWatermarks();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1_024);
  /** Emitted windows updated since the last watermark advance (keys of the fired store), in update order. */
  private final Set<Bytes> pending = new LinkedHashSet<>();
  private ProcessorContext<byte[], Routed> context;
  private KeyValueStore<Bytes, byte[]> open;
  private KeyValueStore<Bytes, byte[]> fired;

  public DnsActivityProcessor(DnsSettings settings, AppMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.open = context.getStateStore(OPEN);
    this.fired = context.getStateStore(FIRED);
    // Updates not yet emitted when the task last stopped: they come out with the next advance.
    try (KeyValueIterator<Bytes, byte[]> it = fired.all()) {
      it.forEachRemaining(e -> {
        if (e.value[4] == 1) {
          pending.add(e.key);
        }
      });
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (WatermarkMarker.is(record.value())) {
      if (watermark.advance(WatermarkMarker.decode(record.value()))) {
        advance(watermark.current());
      }
      return;
    }
    if (LateForActivity.is(record.value())) {
      return; // dead-lettered by the router
    }
    DnsExchange exchange = DnsExchange.of(input.decode(record.value()).orElseThrow()); // the router sent only decodable ones
    long size = settings.windowMillis();
    long lateness = settings.allowedLateness().toMillis();
    long w = watermark.current();
    long t = exchange.timeMillis();
    if (DnsActivityWindows.tooLate(t, size, lateness, w)) {
      // Cannot happen: the router judged it on its partition's event time, which is never behind this one.
      metrics.lateDns.increment();
      context.forward(DeadLetters.of(settings.dlqTopic(), record.key().getBytes(StandardCharsets.UTF_8), record.value(),
          DeadLetterHeaders.REASON_LATE, DnsActivityWindows.lateDetail(t, w, lateness), context.recordMetadata().orElse(null),
          record.timestamp()));
      return;
    }
    long maxTs = DnsActivityWindows.start(t, size) + size - 1;
    if (maxTs > w) {
      Bytes key = TimeOrderedKeys.of(maxTs, record.key());
      byte[] stored = open.get(key);
      DnsActivityAccumulator acc = stored == null ? new DnsActivityAccumulator(settings.namesPerWindow()) : read(stored, 0);
      acc.add(exchange);
      open.put(key, write(acc, null, false));
      return;
    }
    Bytes key = TimeOrderedKeys.of(maxTs + lateness, record.key());
    byte[] stored = fired.get(key);
    int revision = stored == null ? 0 : ByteBuffer.wrap(stored).getInt();
    DnsActivityAccumulator acc = stored == null ? new DnsActivityAccumulator(settings.namesPerWindow()) : read(stored, 5);
    acc.add(exchange);
    fired.put(key, write(acc, revision, true));
    pending.add(key);
  }

  /** Event time reached {@code w}: late updates, then the windows that close, then cleanup. */
  private void advance(long w) {
    long size = settings.windowMillis();
    long lateness = settings.allowedLateness().toMillis();
    for (Bytes key : pending) {
      byte[] stored = fired.get(key);
      if (stored == null) {
        continue;
      }
      int revision = ByteBuffer.wrap(stored).getInt();
      DnsActivityAccumulator acc = read(stored, 5);
      long maxTs = TimeOrderedKeys.time(key) - lateness;
      emit(acc, maxTs + 1 - size, maxTs + 1, revision);
      fired.put(key, write(acc, revision + 1, false));
    }
    pending.clear();

    for (KeyValue<Bytes, byte[]> e : upTo(open, w)) {
      open.delete(e.key);
      long maxTs = TimeOrderedKeys.time(e.key);
      DnsActivityAccumulator acc = read(e.value, 0);
      emit(acc, maxTs + 1 - size, maxTs + 1, 0);
      if (maxTs + lateness > w) {
        fired.put(TimeOrderedKeys.of(maxTs + lateness, TimeOrderedKeys.key(e.key)), write(acc, 1, false));
      }
    }
    for (KeyValue<Bytes, byte[]> e : upTo(fired, w)) {
      fired.delete(e.key);
    }
  }

  private static List<KeyValue<Bytes, byte[]>> upTo(KeyValueStore<Bytes, byte[]> store, long time) {
    List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(TimeOrderedKeys.first(), TimeOrderedKeys.after(time))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        if (TimeOrderedKeys.time(e.key) > time) {
          break;
        }
        due.add(e);
      }
    }
    return due;
  }

  private void emit(DnsActivityAccumulator acc, long start, long end, int revision) {
    for (DnsActivity row : acc.toRecords(start, end, revision)) {
      metrics.dnsActivityRecords.increment();
      context.forward(new Record<>(DnsActivityWindows.recordKey(row).getBytes(StandardCharsets.UTF_8),
          new Outbound(settings.activityTopic(), output.encode(row)), end));
    }
  }

  /** Open windows hold the accumulator alone; emitted ones a revision counter and a pending flag first. */
  private byte[] write(DnsActivityAccumulator acc, Integer revision, boolean pendingUpdate) {
    buffer.reset();
    try {
      DataOutputStream out = new DataOutputStream(buffer);
      if (revision != null) {
        out.writeInt(revision);
        out.writeByte(pendingUpdate ? 1 : 0);
      }
      acc.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static DnsActivityAccumulator read(byte[] stored, int offset) {
    try {
      return DnsActivityAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(stored, offset, stored.length - offset)));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable DNS activity window state", e);
    }
  }
}
