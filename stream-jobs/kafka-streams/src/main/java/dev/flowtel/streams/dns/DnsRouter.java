package dev.flowtel.streams.dns;

import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.core.dns.activity.DnsActivityWindows;
import dev.flowtel.schema.DnsTransaction;
import dev.flowtel.streams.input.DeadLetters;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.input.ToRepartition;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.time.PartitionClock;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.wire.DeadLetterHeaders;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the DNS topic: decodes each transaction, dead-letters what does not decode (with the reason,
 * as flows are), and sends the rest, as their original bytes, to the repartition by client
 * ({@link DnsQuery#clientKey()}: the topic is keyed by the collector's {@code namespace/workload} or the
 * client address, so one node's or one unnamed workload's queries can arrive on several partitions).
 * This partition's event time (query time, with the flows' out-of-orderness and idleness) goes along as
 * {@link WatermarkMarker}s, after the transaction that moved it, as the flows' routers do. A query too
 * late for its DnsActivity window on this partition's event time is dead-lettered here as {@code late}
 * (Flink's traffic job judges it before its shuffle too) and goes on to the detectors alone
 * ({@link LateForActivity}), which read the topic as Flink's detection job does, with no lateness rule.
 */
public final class DnsRouter implements Processor<byte[], byte[], byte[], Routed> {

  /** Dead-letter reason of a record without a value (a tombstone), as the flows' intake names it. */
  static final String NO_VALUE = "no-value";

  private final DnsSettings settings;
  private final AppMetrics metrics;
  private final PartitionClock clock;
  private final WireCodec<DnsTransaction> codec = WireCodec.of(RecordType.DNS_TRANSACTION);
  private ProcessorContext<byte[], Routed> context;
  private int partition;

  public DnsRouter(DnsSettings settings, AppMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.clock = new PartitionClock(settings.maxOutOfOrderness(), settings.idleness());
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.partition = context.taskId().partition();
    clock.punctuate(context, this::mark);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.dnsIn.increment();
    if (record.value() == null) {
      deadLetter(record, NO_VALUE, "DNS record without a value");
      return;
    }
    DecodeResult<DnsTransaction> decoded = codec.decode(record.value());
    if (decoded instanceof DecodeResult.Failed<DnsTransaction> failed) {
      deadLetter(record, failed.cause().reason(), failed.detail());
      return;
    }
    DnsQuery query = DnsQuery.of(decoded.orElseThrow());
    long t = query.timeMillis();
    long w = clock.watermark();
    long lateness = settings.allowedLateness().toMillis();
    if (settings.activity() && DnsActivityWindows.tooLate(t, settings.windowMillis(), lateness, w)) {
      // Judged here, on this partition's event time, as Flink's traffic job judges it before its shuffle.
      metrics.lateDns.increment();
      context.forward(DeadLetters.of(settings.dlqTopic(), query.clientKey().getBytes(StandardCharsets.UTF_8), record.value(),
          DeadLetterHeaders.REASON_LATE, DnsActivityWindows.lateDetail(t, w, lateness), context.recordMetadata().orElse(null),
          record.timestamp()));
      if (settings.detection()) {
        context.forward(new Record<>(null, new ToRepartition(query.clientKey(), LateForActivity.wrap(record.value())),
            record.timestamp()));
      }
    } else {
      context.forward(new Record<>(null, new ToRepartition(query.clientKey(), record.value()), record.timestamp()));
    }
    long next = clock.onFlow(query.timeMillis(), context.currentSystemTimeMs());
    if (next != PartitionClock.NONE) {
      mark(next, record.timestamp());
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, String reason, String detail) {
    metrics.dnsUndecodable.increment();
    context.forward(DeadLetters.of(settings.dlqTopic(), record.key(), record.value(), reason, detail,
        context.recordMetadata().orElse(null), record.timestamp()));
  }

  private void mark(long watermark, long timestamp) {
    context.forward(new Record<>(null, new ToRepartition(WatermarkMarker.KEY,
        new WatermarkMarker(partition, settings.partitions(), watermark).encode()), timestamp));
  }
}
