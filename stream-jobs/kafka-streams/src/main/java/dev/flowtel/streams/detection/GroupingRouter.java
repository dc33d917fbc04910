package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.streams.input.DecodedFlow;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.time.WatermarkMarker;
import dev.flowtel.streams.time.PartitionClock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends the flows the detectors of one grouping need (by client address, or client workload) to
 * that grouping's repartition topic, keyed by the grouping key, as their original bytes; and this
 * partition's event time along with them as {@link WatermarkMarker}s, after the flow that moved it.
 */
public final class GroupingRouter implements Processor<byte[], Routed, String, byte[]> {

  private final Grouping grouping;
  private final DetectionSettings settings;
  private final PartitionClock clock;
  private DetectorGroup group;
  private ProcessorContext<String, byte[]> context;
  private int partition;

  public GroupingRouter(Grouping grouping, DetectionSettings settings) {
    this.grouping = grouping;
    this.settings = settings;
    this.clock = new PartitionClock(settings.maxOutOfOrderness(), settings.idleness());
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.group = new DetectorGroup(Detectors.of(grouping, settings.config()));
    this.partition = context.taskId().partition();
    clock.punctuate(context, this::mark);
  }

  @Override
  public void process(Record<byte[], Routed> record) {
    if (!(record.value() instanceof DecodedFlow decoded)) {
      return;
    }
    ObservedFlow flow = decoded.observed();
    if (group.accepts(flow)) {
      context.forward(new Record<>(grouping.key(flow), decoded.original(), record.timestamp()));
    }
    long next = clock.onFlow(flow.flowEndMillis(), context.currentSystemTimeMs());
    if (next != PartitionClock.NONE) {
      mark(next, record.timestamp());
    }
  }

  private void mark(long watermark, long timestamp) {
    context.forward(new Record<>(WatermarkMarker.KEY,
        new WatermarkMarker(partition, settings.flowPartitions(), watermark).encode(), timestamp));
  }
}
