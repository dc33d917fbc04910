package dev.flowtel.cli;

import dev.flowtel.core.judgement.ClusterStateVersions;
import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.anomaly.LearningPeriod;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.core.judgement.PolicyTimeline;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The seven detectors of analytics run the way both engines run them, without an engine: each
 * counted flow goes to every grouping's {@link DetectorGroup} under its key, edge flows judged by
 * the policies in force ({@link ClusterStateVersions.Judge}); event time is the newest flow end
 * less the out-of-orderness, and reaching a key's deadline runs its detectors' watermark work.
 * For tests that need what the detectors make of hours of simulation in seconds.
 */
final class CoreDetection {

  /** One anomaly revision and the event time (watermark) at which the detectors emitted it. */
  record Emitted(PolicyAnomaly anomaly, long atWatermarkMillis) {}

  private record Timer(long deadline, String key) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : key.compareTo(o.key);
    }
  }

  /** One key's detector states and its one registered deadline. */
  private static final class KeyState implements DetectorGroup.States {
    final Serializable[] slots;
    long registered = Long.MAX_VALUE;

    KeyState(int detectors) {
      slots = new Serializable[detectors];
    }

    @Override
    public Serializable get(int detector) {
      return slots[detector];
    }

    @Override
    public void put(int detector, Serializable state) {
      slots[detector] = state;
    }

    @Override
    public void clear(int detector) {
      slots[detector] = null;
    }
  }

  /** The detectors of one grouping, their states by key and their timers. */
  private static final class Partition {
    final Grouping grouping;
    final DetectorGroup group;
    final Map<String, KeyState> states = new HashMap<>();
    final TreeSet<Timer> timers = new TreeSet<>();

    Partition(Grouping grouping, DetectionConfig config) {
      this.grouping = grouping;
      this.group = new DetectorGroup(Detectors.of(grouping, config));
    }

    void schedule(String key, KeyState state) {
      group.timerMove(state, state.registered).ifPresent(next -> {
        if (state.registered != Long.MAX_VALUE) {
          timers.remove(new Timer(state.registered, key));
        }
        timers.add(new Timer(next, key));
        state.registered = next;
      });
    }
  }

  private final DetectionConfig config;
  private final LearningPeriod learning;
  private final long outOfOrdernessMillis;
  private final FlowClassifier classifier = new FlowClassifier();
  private final ClusterStateVersions.Judge judge = new ClusterStateVersions.Judge(new PolicyTimeline());
  private final Map<Grouping, Partition> partitions = new EnumMap<>(Grouping.class);
  private final List<Emitted> emitted = new ArrayList<>();
  private long learningStart = Long.MIN_VALUE;
  private long newestFlowEnd = Long.MIN_VALUE;
  private long watermark = Long.MIN_VALUE;

  CoreDetection(DetectionConfig config, long learningStartMillis, long outOfOrdernessMillis) {
    this.config = config;
    this.learning = new LearningPeriod(learningStartMillis, config.learningPeriod().toMillis());
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    for (Grouping grouping : Grouping.values()) {
      partitions.put(grouping, new Partition(grouping, config));
    }
  }

  void clusterState(ClusterStateRecord record) {
    judge.timeline().apply(record.key(), record.value(), record.at().toEpochMilli());
  }

  void flow(FlowEvent event) {
    ObservedFlow flow = ObservedFlow.of(event, classifier).orElse(null);
    if (flow == null) {
      return;
    }
    if (learningStart == Long.MIN_VALUE) {
      learningStart = learning.startGivenFirstFlowAt(flow.flowEndMillis());
    }
    long learningUntil = learning.endGivenStartAt(learningStart);
    for (Partition p : partitions.values()) {
      if (!p.group.accepts(flow)) {
        continue;
      }
      PolicyJudgement judgement = p.grouping == Grouping.EDGE ? judge.judge(flow, watermark, config.policyChangeGrace()) : PolicyJudgement.UNKNOWN;
      String key = p.grouping.key(flow);
      KeyState state = p.states.computeIfAbsent(key, k -> new KeyState(p.group.detectors().size()));
      long at = watermark;
      if (p.group.onFlow(state, flow, judgement, learningUntil, a -> emitted.add(new Emitted(a, at)))) {
        p.schedule(key, state);
      }
    }
    if (flow.flowEndMillis() > newestFlowEnd) {
      newestFlowEnd = flow.flowEndMillis();
      advanceTo(newestFlowEnd - outOfOrdernessMillis);
    }
  }

  /** Event time reaches {@code next}: every key whose deadline came runs its detectors' watermark work. */
  void advanceTo(long next) {
    if (next <= watermark) {
      return;
    }
    watermark = next;
    for (Partition p : partitions.values()) {
      while (!p.timers.isEmpty() && p.timers.first().deadline() <= watermark) {
        Timer timer = p.timers.pollFirst();
        KeyState state = p.states.get(timer.key());
        state.registered = Long.MAX_VALUE;
        long at = watermark;
        p.group.onWatermark(state, watermark, a -> emitted.add(new Emitted(a, at)));
        p.schedule(timer.key(), state);
      }
    }
  }

  List<Emitted> emitted() {
    return List.copyOf(emitted);
  }
}
