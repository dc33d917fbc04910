package dev.flowtel.streams.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.FailedAttempts;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.streams.input.DeadLetters;
import dev.flowtel.streams.input.DecodedFlow;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.input.ToRepartition;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.store.BeforeCommit;
import dev.flowtel.streams.time.PartitionClock;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.wire.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Service-edge traffic windows of one input partition (the flows topic is keyed by service edge),
 * on core's {@link dev.flowtel.core.traffic.TrafficAccumulator} and {@link TrafficWindows} in
 * {@link TrafficWindowState}: a flow too late for its base window goes to the DLQ as {@code late};
 * otherwise it is added to its window of every size, and windows close as this partition's
 * watermark passes them.
 *
 * <p>A failed connection attempt belongs to its client's folded edge (core's {@link
 * FailedAttempts}), whose flows come from every partition: it is handed on, with this partition's
 * event time as {@link WatermarkMarker}s after it, to the failed attempts' repartition topic,
 * where {@link FailedAttemptWindowProcessor} sums it as the Flink job's keyed windows do.
 */
public final class TrafficWindowProcessor implements Processor<byte[], Routed, byte[], Routed> {

  public static final String LATEST_STORE = "traffic-latest";
  private static final String STORE_PREFIX = "traffic";

  private final long[] sizes;
  private final TrafficSettings settings;
  private final long allowedLateness;
  private final AppMetrics metrics;
  private final PartitionClock clock;
  private ProcessorContext<byte[], Routed> context;
  private TrafficWindowState windows;
  private int partition;

  public TrafficWindowProcessor(long[] sizes, TrafficSettings settings, AppMetrics metrics) {
    this.sizes = sizes.clone();
    this.settings = settings;
    this.allowedLateness = settings.allowedLateness().toMillis();
    this.metrics = metrics;
    this.clock = new PartitionClock(settings.maxOutOfOrderness(), settings.idleness());
  }

  public static String openStore(long size) {
    return TrafficWindowState.openStore(STORE_PREFIX, size);
  }

  public static String firedStore(long size) {
    return TrafficWindowState.firedStore(STORE_PREFIX, size);
  }

  /** The {@link BeforeCommit} store through which the task's commits write the windows held on the heap. */
  public static String beforeCommitStore() {
    return TrafficWindowState.beforeCommitStore(STORE_PREFIX);
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.windows = new TrafficWindowState(context, sizes, settings, metrics, STORE_PREFIX, LATEST_STORE);
    context.<BeforeCommit>getStateStore(beforeCommitStore()).runBeforeCommit(windows::flush);
    this.partition = context.taskId().partition();
    clock.start(context.currentSystemTimeMs());
    context.schedule(PartitionClock.PUNCTUATION, PunctuationType.WALL_CLOCK_TIME, now -> {
      long next = clock.markOnPunctuation(now);
      if (next == PartitionClock.IDLE_SINCE_START) {
        // No flow at all since start: stop holding back the failed attempts' windows (Flink's idleness),
        // without moving this partition's own windows on.
        mark(Long.MAX_VALUE, now);
      } else if (next != PartitionClock.NONE) {
        advance(next, now);
      }
    });
  }

  @Override
  public void process(Record<byte[], Routed> record) {
    if (!(record.value() instanceof DecodedFlow decoded)) {
      return;
    }
    ClassifiedFlow flow = decoded.flow();
    long t = flow.eventTimeMillis();
    long watermark = clock.watermark();
    if (TrafficWindows.tooLate(t, sizes[0], allowedLateness, watermark)) {
      metrics.lateFlows.increment();
      context.forward(DeadLetters.of(settings.dlqTopic(), flow.edgeKey().getBytes(StandardCharsets.UTF_8), decoded.original(),
          DeadLetterHeaders.REASON_LATE, TrafficWindows.lateDetail(t, watermark, allowedLateness),
          context.recordMetadata().orElse(null), record.timestamp()));
    } else {
      ClassifiedFlow onEdge = FailedAttempts.onTrafficEdge(flow);
      if (onEdge == flow) {
        windows.add(flow, watermark);
      } else {
        context.forward(new Record<>(null, new ToRepartition(onEdge.edgeKey(), ClassifiedFlowCodec.encode(onEdge)),
            record.timestamp()));
      }
    }
    long next = clock.onFlow(t, context.currentSystemTimeMs());
    if (next != PartitionClock.NONE) {
      advance(next, record.timestamp());
    }
  }

  private void advance(long watermark, long timestamp) {
    windows.advance(watermark);
    mark(watermark, timestamp);
  }

  private void mark(long watermark, long timestamp) {
    context.forward(new Record<>(null, new ToRepartition(WatermarkMarker.KEY,
        new WatermarkMarker(partition, settings.flowPartitions(), watermark).encode()), timestamp));
  }
}
