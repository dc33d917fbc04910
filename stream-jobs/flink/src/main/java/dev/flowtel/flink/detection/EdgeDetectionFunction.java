package dev.flowtel.flink.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.anomaly.ObservedFlow;
import dev.flowtel.core.anomaly.PolicyJudgement;
import dev.flowtel.core.anomaly.PolicyTimeline;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.PolicyAnomaly;
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
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge detectors (POLICY_VIOLATION, DENIED_SPIKE, NEW_EDGE, VOLUME_ANOMALY), keyed by service
 * edge, with the cluster state as broadcast state: each request flow is judged by the policies in
 * force when it happened ({@link PolicyTimeline}), then handed to the detectors. The broadcast
 * state holds every version of every cluster-state key, as encoded on the topic (an empty array
 * for a tombstone), under {@code key@observedAt}; the timeline is rebuilt from it after a restore.
 */
final class EdgeDetectionFunction extends KeyedBroadcastProcessFunction<String, ObservedFlow, ClusterStateChange, PolicyAnomaly>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EdgeDetectionFunction.class);
  private static final byte[] TOMBSTONE = new byte[0];
  /** Versions of one key kept in broadcast state; older ones are folded into the timeline's base. */
  private static final int VERSIONS_KEPT = 4;

  static final MapStateDescriptor<String, byte[]> CLUSTER_STATE = new MapStateDescriptor<>("cluster-state",
      BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  private final DetectionConfig config;
  private final long learningStart;
  private transient DetectorStates detectors;
  private transient PolicyTimeline timeline;
  private transient WireCodec<ClusterState> codec;
  private transient LearningClock clock;
  private transient long compactedAt;

  EdgeDetectionFunction(DetectionConfig config, long learningStart) {
    this.config = config;
    this.learningStart = learningStart;
  }

  @Override
  public void open(OpenContext openContext) {
    detectors = new DetectorStates(Detectors.of(Grouping.EDGE, config), getRuntimeContext());
    codec = WireCodec.of(RecordType.CLUSTER_STATE);
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
  public void processElement(ObservedFlow flow, ReadOnlyContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    if (timeline == null) {
      timeline = rebuild(ctx.getBroadcastState(CLUSTER_STATE).immutableEntries());
    }
    long watermark = ctx.timerService().currentWatermark();
    long horizon = watermark - config.policyChangeGrace().toMillis() - 60_000;
    if (watermark != Long.MIN_VALUE && horizon > compactedAt + 60_000) {
      timeline.compactBefore(horizon);
      compactedAt = horizon;
    }
    // Until both inputs have a watermark, the cluster state may still be arriving: a policy set
    // read halfway would deny what the rest of it allows, so flows are not judged yet.
    PolicyJudgement judgement = flow.reply() || watermark == Long.MIN_VALUE ? PolicyJudgement.UNKNOWN
        : timeline.judge(flow, config.policyChangeGrace().toMillis());
    detectors.onFlow(flow, judgement, clock.learningUntil(flow.flowEndMillis()), ctx.timerService(), out::collect);
  }

  @Override
  public void processBroadcastElement(ClusterStateChange change, Context ctx, Collector<PolicyAnomaly> out) throws Exception {
    BroadcastState<String, byte[]> state = ctx.getBroadcastState(CLUSTER_STATE);
    if (timeline == null) {
      timeline = rebuild(state.immutableEntries());
    }
    ClusterState decoded = change.value() == null ? null : codec.decode(change.value()).orElseThrow();
    try {
      timeline.apply(change.key(), decoded, change.observedAtMillis());
    } catch (IllegalArgumentException e) {
      LOG.warn("cluster-state record {} skipped: {}", change.key(), e.getMessage());
      return;
    }
    state.put(versionKey(change.key(), change.observedAtMillis()), change.value() == null ? TOMBSTONE : change.value());
    prune(state, change.key());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PolicyAnomaly> out) throws Exception {
    detectors.onTimer(timestamp, ctx.timerService(), out::collect);
  }

  private static String versionKey(String key, long observedAt) {
    return key + '@' + String.format("%020d", observedAt);
  }

  /** Keeps the newest versions of {@code key}; a checkpoint holds no more than the timeline needs. */
  private static void prune(BroadcastState<String, byte[]> state, String key) throws Exception {
    List<String> versions = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : state.entries()) {
      if (e.getKey().startsWith(key + '@')) {
        versions.add(e.getKey());
      }
    }
    versions.sort(Comparator.naturalOrder());
    for (int i = 0; i + VERSIONS_KEPT < versions.size(); i++) {
      state.remove(versions.get(i));
    }
  }

  private PolicyTimeline rebuild(Iterable<Map.Entry<String, byte[]>> entries) {
    PolicyTimeline rebuilt = new PolicyTimeline();
    List<Map.Entry<String, byte[]>> sorted = new ArrayList<>();
    entries.forEach(sorted::add);
    sorted.sort(Comparator.comparing((Map.Entry<String, byte[]> e) -> e.getKey().substring(e.getKey().lastIndexOf('@') + 1))
        .thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, byte[]> e : sorted) {
      int at = e.getKey().lastIndexOf('@');
      String key = e.getKey().substring(0, at);
      long observedAt = Long.parseLong(e.getKey().substring(at + 1));
      ClusterState value = e.getValue().length == 0 ? null : codec.decode(e.getValue()).orElseThrow();
      try {
        rebuilt.apply(key, value, observedAt);
      } catch (IllegalArgumentException ex) {
        LOG.warn("cluster-state record {} skipped: {}", key, ex.getMessage());
      }
    }
    return rebuilt;
  }

  static String keyText(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
