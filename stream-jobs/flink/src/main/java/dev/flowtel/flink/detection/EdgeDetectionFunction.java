package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.ClusterStateVersions;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.judgement.PolicyTimeline;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.flink.metrics.EvidenceLatencyHistogram;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge detectors (POLICY_VIOLATION, DENIED_SPIKE, NEW_EDGE, VOLUME_ANOMALY), keyed by service
 * edge, with the cluster state as broadcast state: each request flow is judged by the policies in
 * force when it happened ({@link PolicyTimeline}), then handed to the detectors. The broadcast
 * state holds every version of every cluster-state key, as encoded on the topic (an empty array
 * for a tombstone), under {@code key@observedAt}; the timeline is rebuilt from it after a restore.
 *
 * <p>Every flow, request or reply, is also judged by the staged policies (core's
 * {@code judgeStaged}); their per-window counts leave by the {@link #STAGED_VERDICTS} side output
 * and never reach the detectors.
 */
final class EdgeDetectionFunction extends KeyedBroadcastProcessFunction<String, ObservedFlow, ClusterStateChange, PolicyAnomaly>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EdgeDetectionFunction.class);

  static final MapStateDescriptor<String, byte[]> CLUSTER_STATE = new MapStateDescriptor<>("cluster-state",
      BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  /** What the staged policies would do, per staged policy, edge and traffic window. */
  static final OutputTag<StagedPolicyVerdict> STAGED_VERDICTS =
      new OutputTag<>("staged-verdicts", new AvroTypeInfo<>(StagedPolicyVerdict.class));

  private final DetectionConfig config;
  private final long learningStart;
  private final StagedPolicyWindows stagedWindows;
  private transient DetectorStates detectors;
  private transient StagedWindowStates staged;
  private transient AnomalyEmission emission;
  private transient ClusterStateVersions.Judge judge;
  private transient WireCodec<ClusterState> codec;
  private transient LearningClock clock;
  private transient ClusterStateHorizon horizon;

  EdgeDetectionFunction(DetectionConfig config, long learningStart, StagedPolicyWindows stagedWindows) {
    this.config = config;
    this.learningStart = learningStart;
    this.stagedWindows = stagedWindows;
  }

  @Override
  public void open(OpenContext openContext) {
    emission = new AnomalyEmission(EvidenceLatencyHistogram.register(getRuntimeContext(), "anomaly"));
    staged = new StagedWindowStates(stagedWindows, getRuntimeContext());
    detectors = new DetectorStates(Detectors.of(Grouping.EDGE, config), getRuntimeContext(), t -> {
      try {
        return staged.registered() == t;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    codec = WireCodec.of(RecordType.CLUSTER_STATE);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    clock = new LearningClock(learningStart, config.learningPeriod().toMillis());
    clock.initialize(context);
    horizon = new ClusterStateHorizon();
    horizon.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    clock.snapshot();
    horizon.snapshot();
  }

  @Override
  public void processElement(ObservedFlow flow, ReadOnlyContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    if (judge == null) {
      judge = new ClusterStateVersions.Judge(rebuild(ctx.getBroadcastState(CLUSTER_STATE).immutableEntries()));
    }
    // Until both inputs have a watermark, the cluster state may still be arriving: a policy set
    // read halfway would deny what the rest of it allows, so flows are not judged yet.
    long watermark = horizon.advance(ctx.timerService().currentWatermark());
    PolicyJudgement judgement = judge.judge(flow, watermark, config.policyChangeGrace());
    detectors.onFlow(flow, judgement, clock.learningUntil(flow.flowEndMillis()), ctx.timerService(), emission.to(out));
    if (watermark != Long.MIN_VALUE) {
      staged.onFlow(flow, judge.timeline().judgeStaged(flow), watermark, ctx.timerService());
    }
  }

  @Override
  public void processBroadcastElement(ClusterStateChange change, Context ctx, Collector<PolicyAnomaly> out) throws Exception {
    BroadcastState<String, byte[]> state = ctx.getBroadcastState(CLUSTER_STATE);
    if (judge == null) {
      judge = new ClusterStateVersions.Judge(rebuild(state.immutableEntries()));
    }
    ClusterState decoded = change.value() == null ? null : codec.decode(change.value()).orElseThrow();
    try {
      judge.timeline().apply(change.key(), decoded, change.observedAtMillis());
    } catch (IllegalArgumentException e) {
      LOG.warn("cluster-state record {} skipped: {}", change.key(), e.getMessage());
      return;
    }
    state.put(ClusterStateVersions.versionKey(change.key(), change.observedAtMillis()),
        change.value() == null ? ClusterStateVersions.TOMBSTONE : change.value());
    prune(state, change.key());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    detectors.onTimer(timestamp, ctx.timerService(), emission.to(out));
    staged.onTimer(timestamp, ctx.timerService(), v -> ctx.output(STAGED_VERDICTS, v));
  }

  /** Keeps the newest versions of {@code key}; a checkpoint holds no more than the timeline needs. */
  private static void prune(BroadcastState<String, byte[]> state, String key) throws Exception {
    List<String> versions = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : state.entries()) {
      if (e.getKey().startsWith(key + '@')) {
        versions.add(e.getKey());
      }
    }
    for (String old : ClusterStateVersions.prunable(versions)) {
      state.remove(old);
    }
  }

  private static PolicyTimeline rebuild(Iterable<Map.Entry<String, byte[]>> entries) {
    return ClusterStateVersions.rebuild(entries, (key, reason) -> LOG.warn("cluster-state record {} skipped: {}", key, reason));
  }

  static String keyText(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
