package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.dns.DnsDetectionConfig;
import dev.flowtel.core.dns.DnsDetector;
import dev.flowtel.core.dns.DnsDetectorGroup;
import dev.flowtel.core.dns.DnsDetectors;
import dev.flowtel.core.dns.DnsQuery;
import dev.flowtel.flink.metrics.EvidenceLatencyHistogram;
import dev.flowtel.schema.PolicyAnomaly;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The DNS detectors (NXDOMAIN_SPIKE, DNS_TUNNEL) of one client key: its {@link DnsDetectorGroup} in
 * keyed state, and one event-time timer at the group's next deadline, as {@link KeyedDetectionFunction}
 * keeps the flow detectors', so windows close on the watermark and idle clients cost no timers or state.
 */
final class DnsDetectionFunction extends KeyedProcessFunction<String, DnsQuery, PolicyAnomaly>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final DnsDetectionConfig config;
  private final DetectionConfig detection;
  private final long learningStart;
  private transient List<DnsDetector<?>> detectors;
  private transient ValueState<DnsDetectorGroup> group;
  private transient ValueState<Long> timer;
  private transient AnomalyEmission emission;
  private transient LearningClock clock;

  /** @param detection the learning period and the anomalies' pacing (cooldown, report interval), as every detector's */
  DnsDetectionFunction(DnsDetectionConfig config, DetectionConfig detection, long learningStart) {
    this.config = config;
    this.detection = detection;
    this.learningStart = learningStart;
  }

  @Override
  public void open(OpenContext openContext) {
    detectors = DnsDetectors.all(config, detection.pacing());
    emission = new AnomalyEmission(EvidenceLatencyHistogram.register(getRuntimeContext(), "anomaly"));
    // Kryo records the group's class name in savepoints: DnsDetectorGroup and its detectors' states keep theirs.
    group = getRuntimeContext().getState(new ValueStateDescriptor<>("dns-detectors", TypeInformation.of(DnsDetectorGroup.class)));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("dns-detector-timer", Types.LONG));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    clock = new LearningClock(learningStart, detection.learningPeriod().toMillis());
    clock.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    clock.snapshot();
  }

  @Override
  public void processElement(DnsQuery query, Context ctx, Collector<PolicyAnomaly> out) throws Exception {
    DnsDetectorGroup client = group.value();
    if (client == null) {
      client = new DnsDetectorGroup(detectors);
    }
    client.onQuery(query, clock.learningUntil(query.timeMillis()), emission.to(out));
    keep(client, ctx.timerService());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    Long registered = timer.value();
    DnsDetectorGroup client = group.value();
    if (registered == null || registered != timestamp || client == null) {
      return;
    }
    timer.clear();
    client.onWatermark(Math.max(timestamp, ctx.timerService().currentWatermark()), emission.to(out));
    keep(client, ctx.timerService());
  }

  /** Stores the group (or clears it when it holds nothing) and moves the key's timer to its next deadline. */
  private void keep(DnsDetectorGroup client, TimerService timers) throws Exception {
    Long registered = timer.value();
    long next = client.nextDeadline();
    if (client.isEmpty()) {
      group.clear();
    } else {
      group.update(client);
    }
    if (registered != null && registered == next) {
      return;
    }
    if (registered != null) {
      timers.deleteEventTimeTimer(registered);
      timer.clear();
    }
    if (next != Long.MAX_VALUE) {
      timers.registerEventTimeTimer(next);
      timer.update(next);
    }
  }
}
