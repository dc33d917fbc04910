package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.flink.metrics.EvidenceLatencyHistogram;
import dev.flowtel.schema.PolicyAnomaly;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** The detectors of a grouping that needs no policies (scans by client address, external egress by workload). */
final class KeyedDetectionFunction extends KeyedProcessFunction<String, ObservedFlow, PolicyAnomaly>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final DetectionConfig config;
  private final Grouping grouping;
  private final long learningStart;
  private transient DetectorStates detectors;
  private transient AnomalyEmission emission;
  private transient LearningClock clock;

  KeyedDetectionFunction(DetectionConfig config, Grouping grouping, long learningStart) {
    this.config = config;
    this.grouping = grouping;
    this.learningStart = learningStart;
  }

  @Override
  public void open(OpenContext openContext) {
    emission = new AnomalyEmission(EvidenceLatencyHistogram.register(getRuntimeContext(), "anomaly"));
    detectors = new DetectorStates(Detectors.of(grouping, config), getRuntimeContext());
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    clock = new LearningClock(learningStart, config.learningPeriod().toMillis());
    clock.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    clock.snapshot();
  }

  @Override
  public void processElement(ObservedFlow flow, Context ctx, Collector<PolicyAnomaly> out) throws Exception {
    detectors.onFlow(flow, PolicyJudgement.UNKNOWN, clock.learningUntil(flow.flowEndMillis()), ctx.timerService(),
        emission.to(out));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    detectors.onTimer(timestamp, ctx.timerService(), emission.to(out));
  }
}
