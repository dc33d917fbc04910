package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.ClusterStateVersions;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.judgement.PolicyTimeline;
import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.streams.input.DecodedFlow;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.time.PartitionClock;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge detectors (POLICY_VIOLATION, DENIED_SPIKE, NEW_EDGE, VOLUME_ANOMALY) on the flows of
 * this partition: the flows topic is keyed by service edge, so no repartition is needed. Each
 * request flow is judged by the policies in force when it happened (core's timeline, rebuilt from
 * the cluster-state global store whenever it changed), then handed to the detectors; event time is
 * the partition's.
 *
 * <p>Every flow, request or reply, is also judged by the staged policies (core's {@code
 * judgeStaged}) and counted per edge in the traffic windows ({@link StagedWindowRunner}); their
 * verdicts leave for the staged verdicts topic as this partition's event time closes the windows,
 * and never reach the detectors: a staged policy changes no anomaly.
 */
public final class EdgeDetectionProcessor implements Processor<byte[], Routed, byte[], Routed> {

  public static final String STATES = "detect-edge-states";
  public static final String TIMERS = "detect-edge-timers";
  public static final String META = "detect-edge-meta";
  public static final String OPEN = "anomalies-open-edge";
  public static final String STAGED_STATES = "detect-staged-states";
  public static final String STAGED_TIMERS = "detect-staged-timers";
  private static final Logger LOG = LoggerFactory.getLogger(EdgeDetectionProcessor.class);

  private final DetectionSettings settings;
  private final ClusterStateFeed feed;
  private final AppMetrics metrics;
  private final PartitionClock clock;
  private ProcessorContext<byte[], Routed> context;
  private DetectorRunner runner;
  private AnomalyOutput output;
  private StagedWindowRunner staged;
  private StagedVerdictOutput stagedOutput;
  private LearningClock learning;
  private KeyValueStore<String, byte[]> clusterState;
  private ClusterStateVersions.Judge judge;
  private long builtFrom = -1;
  private final WireCodec<ClusterState> stateCodec = WireCodec.of(RecordType.CLUSTER_STATE);

  public EdgeDetectionProcessor(DetectionSettings settings, ClusterStateFeed feed, AppMetrics metrics) {
    this.settings = settings;
    this.feed = feed;
    this.metrics = metrics;
    this.clock = new PartitionClock(settings.maxOutOfOrderness(), settings.idleness());
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    runner = new DetectorRunner(new DetectorGroup(Detectors.of(Grouping.EDGE, settings.config())),
        context.getStateStore(STATES), context.getStateStore(TIMERS));
    output = new AnomalyOutput(context, context.getStateStore(OPEN), settings.anomaliesTopic(), settings.config(), metrics);
    staged = new StagedWindowRunner(new StagedPolicyWindows(settings.window(), settings.allowedLateness()),
        context.getStateStore(STAGED_STATES), context.getStateStore(STAGED_TIMERS));
    stagedOutput = new StagedVerdictOutput(context, settings.stagedVerdictsTopic(), metrics);
    learning = new LearningClock(context.getStateStore(META), settings.learningStartMillis(),
        settings.config().learningPeriod().toMillis());
    clusterState = context.getStateStore(ClusterStateProcessor.STORE);
    context.schedule(PartitionClock.PUNCTUATION, PunctuationType.WALL_CLOCK_TIME, now -> advance(clock.onPunctuation(now)));
  }

  @Override
  public void process(Record<byte[], Routed> record) {
    if (!(record.value() instanceof DecodedFlow decoded)) {
      return;
    }
    ObservedFlow flow = decoded.observed();
    long watermark = clock.watermark();
    ClusterStateVersions.Judge judge = judge();
    PolicyJudgement judgement = judge.judge(flow, watermark, settings.config().policyChangeGrace());
    runner.onFlow(flow.edgeKey(), flow, judgement, learning.learningUntil(flow.flowEndMillis()), output::emit);
    // Not before the partition has event time, as the verdict in force above (and the Flink job):
    // the cluster state may still be arriving.
    if (watermark != Long.MIN_VALUE) {
      staged.onFlow(flow.edgeKey(), flow, judge.timeline().judgeStaged(flow), watermark);
    }
    advance(clock.onFlow(flow.flowEndMillis(), context.currentSystemTimeMs()));
  }

  private void advance(long watermark) {
    if (watermark != PartitionClock.NONE) {
      runner.onWatermark(watermark, output::emit);
      staged.onWatermark(watermark, stagedOutput::emit);
      output.expire(watermark);
    }
  }

  /**
   * A store entry as {@code key@observedAt}: what the global processor writes; an entry restored
   * straight from the topic (the topic's key, no version) is versioned here by its observedAt.
   */
  private Map.Entry<String, byte[]> versioned(String key, byte[] value) {
    if (key.indexOf('@') >= 0 || value == null || value.length == 0) {
      return Map.entry(key, value == null ? ClusterStateVersions.TOMBSTONE : value);
    }
    var decoded = stateCodec.decode(value);
    long observedAt = decoded.isDecoded() ? decoded.orElseThrow().getObservedAt().toEpochMilli() : 0L;
    return Map.entry(ClusterStateVersions.versionKey(key, observedAt), value);
  }

  private ClusterStateVersions.Judge judge() {
    long version = feed.version();
    if (judge == null || version != builtFrom) {
      List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = clusterState.all()) {
        while (it.hasNext()) {
          KeyValue<String, byte[]> e = it.next();
          entries.add(versioned(e.key, e.value));
        }
      }
      PolicyTimeline timeline = ClusterStateVersions.rebuild(entries,
          (key, reason) -> LOG.warn("cluster-state record {} skipped: {}", key, reason));
      if (judge == null) {
        judge = new ClusterStateVersions.Judge(timeline);
      } else {
        judge.replace(timeline);
      }
      builtFrom = version;
    }
    return judge;
  }
}
