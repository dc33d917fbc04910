package dev.flowtel.flink.dns;

import dev.flowtel.core.dns.activity.DnsActivityAccumulator;
import dev.flowtel.schema.DnsActivity;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a client's window as DnsActivity rows, one per name: revision 0 when the watermark closes
 * the window, one higher (every row again) each time late queries within the allowed lateness update it.
 */
final class DnsActivityWindowResult extends ProcessWindowFunction<DnsActivityAccumulator, DnsActivity, String, TimeWindow> {

  private static final long serialVersionUID = 1L;
  private static final ValueStateDescriptor<Integer> EMISSIONS = new ValueStateDescriptor<>("dns-emissions", Types.INT);

  @Override
  public void process(String clientKey, Context context, Iterable<DnsActivityAccumulator> results, Collector<DnsActivity> out)
      throws Exception {
    ValueState<Integer> emissions = context.windowState().getState(EMISSIONS);
    int revision = emissions.value() == null ? 0 : emissions.value();
    emissions.update(revision + 1);
    TimeWindow window = context.window();
    for (DnsActivityAccumulator accumulator : results) {
      accumulator.toRecords(window.getStart(), window.getEnd(), revision).forEach(out::collect);
    }
  }

  @Override
  public void clear(Context context) {
    context.windowState().getState(EMISSIONS).clear();
  }
}
