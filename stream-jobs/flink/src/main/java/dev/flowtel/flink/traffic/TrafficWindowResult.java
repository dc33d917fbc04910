package dev.flowtel.flink.traffic;

import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.metrics.EvidenceLatencyHistogram;
import dev.flowtel.schema.ServiceTraffic;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a window's ServiceTraffic: revision 0 when the watermark closes the window, one higher
 * each time late flows within the allowed lateness update it.
 */
final class TrafficWindowResult extends ProcessWindowFunction<TrafficAccumulator, ServiceTraffic, String, TimeWindow> {

  private static final long serialVersionUID = 1L;
  private static final ValueStateDescriptor<Integer> EMISSIONS = new ValueStateDescriptor<>("emissions", Types.INT);

  private transient EvidenceLatencyHistogram latency;

  @Override
  public void open(OpenContext openContext) {
    latency = EvidenceLatencyHistogram.register(getRuntimeContext(), "traffic");
  }

  @Override
  public void process(String edgeKey, Context context, Iterable<TrafficAccumulator> results, Collector<ServiceTraffic> out)
      throws Exception {
    ValueState<Integer> emissions = context.windowState().getState(EMISSIONS);
    int revision = emissions.value() == null ? 0 : emissions.value();
    emissions.update(revision + 1);
    TimeWindow window = context.window();
    for (TrafficAccumulator accumulator : results) {
      out.collect(accumulator.toServiceTraffic(window.getStart(), window.getEnd(), revision));
      if (revision == 0) {
        latency.emittedNow(window.getEnd());
      }
    }
  }

  @Override
  public void clear(Context context) {
    context.windowState().getState(EMISSIONS).clear();
  }
}
