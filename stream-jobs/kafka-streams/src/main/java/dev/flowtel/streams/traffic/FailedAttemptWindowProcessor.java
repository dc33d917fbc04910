package dev.flowtel.streams.traffic;

import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.store.BeforeCommit;
import dev.flowtel.streams.time.UpstreamWatermarks;
import dev.flowtel.streams.time.WatermarkMarker;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The traffic windows of the folded edges of failed connection attempts, after the repartition by
 * that edge (a scanner's probes arrive on as many input partitions as the ports they tried). The
 * partition-side {@link TrafficWindowProcessor} already sent late flows to the DLQ; event time is
 * the least watermark of the upstream partitions, from their {@link WatermarkMarker}s, never going
 * back, as the Flink job's keyed windows see it. Its windows are not kept for queries.
 */
public final class FailedAttemptWindowProcessor implements Processor<String, byte[], byte[], Routed> {

  /** The repartition topic's name: {@code <application id>-traffic-failed-attempts-repartition}. */
  public static final String REPARTITION = "traffic-failed-attempts";
  private static final String STORE_PREFIX = "traffic-failed-attempts";

  private final long[] sizes;
  private final TrafficSettings settings;
  private final AppMetrics metrics;
  private final UpstreamWatermarks watermark = new UpstreamWatermarks();
  private TrafficWindowState windows;

  public FailedAttemptWindowProcessor(long[] sizes, TrafficSettings settings, AppMetrics metrics) {
    this.sizes = sizes.clone();
    this.settings = settings;
    this.metrics = metrics;
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
    windows = new TrafficWindowState(context, sizes, settings, metrics, STORE_PREFIX, null);
    context.<BeforeCommit>getStateStore(beforeCommitStore()).runBeforeCommit(windows::flush);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (WatermarkMarker.is(record.value())) {
      onMarker(WatermarkMarker.decode(record.value()));
      return;
    }
    windows.add(ClassifiedFlowCodec.decode(record.key(), record.value()), watermark.current());
  }

  private void onMarker(WatermarkMarker marker) {
    if (!watermark.advance(marker)) {
      return;
    }
    windows.advance(watermark.current());
  }

}
