package dev.flowtel.simulator;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.callgraph.CallGraph;
import dev.flowtel.simulator.callgraph.CallGraphBuilder;
import dev.flowtel.simulator.callgraph.DailyCurve;
import dev.flowtel.simulator.cluster.Cluster;
import dev.flowtel.simulator.cluster.ClusterBuilder;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.DeniedWindow;
import dev.flowtel.simulator.flow.IntervalTraffic;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.flow.TrafficEngine;
import dev.flowtel.simulator.injection.Episode;
import dev.flowtel.simulator.injection.EpisodePlanner;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.policy.PolicyModel;
import dev.flowtel.simulator.random.SplitMix64;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A seeded synthetic Kubernetes cluster and its network telemetry: the entry point of the
 * simulator. Building one lays out the cluster, call graph, NetworkPolicies and episodes; each
 * {@code run}/{@code flows} call then generates the traffic afresh from the seed, so every call
 * yields the same records.
 *
 * <pre>{@code
 * ClusterSimulator sim = ClusterSimulator.of(SimulatorSettings.defaults().withDuration(Duration.ofMinutes(10)));
 * sim.clusterState();                 // Namespace and NetworkPolicy records at the start
 * sim.episodes();                     // ground-truth labels
 * sim.run(sink);                      // every flow and state change, in delivery order
 * List<LabeledFlow> first = sim.generate(1_000_000);
 * }</pre>
 */
public final class ClusterSimulator {

  private final SimulatorSettings settings;
  private final Cluster cluster;
  private final CallGraph callGraph;
  private final PolicyModel policies;
  private final List<Episode> episodes;

  private ClusterSimulator(SimulatorSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    SplitMix64 root = new SplitMix64(settings.seed());
    this.cluster = ClusterBuilder.build(settings, root.fork(1));
    this.callGraph = CallGraphBuilder.build(cluster, settings, root.fork(2));
    this.policies = PolicyModel.build(cluster, callGraph);
    this.episodes = EpisodePlanner.plan(settings, cluster, callGraph, policies, root.fork(3));
  }

  public static ClusterSimulator of(SimulatorSettings settings) {
    return new ClusterSimulator(settings);
  }

  public SimulatorSettings settings() {
    return settings;
  }

  public Cluster cluster() {
    return cluster;
  }

  public CallGraph callGraph() {
    return callGraph;
  }

  public PolicyModel policies() {
    return policies;
  }

  /** Every namespace and NetworkPolicy as of the start, ordered by key: what to put on the compacted topic first. */
  public List<ClusterStateRecord> clusterState() {
    return policies.snapshot(settings.start());
  }

  /** The records episodes publish during the run (POLICY_CHANGE deletions and restorations), in time order. */
  public List<ClusterStateRecord> clusterStateChanges() {
    return episodes.stream().flatMap(e -> e.stateChanges().stream())
        .sorted(Comparator.comparing(ClusterStateRecord::at)).toList();
  }

  /** The ground truth of every scheduled episode, in schedule order. */
  public List<GroundTruthLabel> episodes() {
    return episodes.stream().map(Episode::label).toList();
  }

  /** The initial cluster state, then every flow and state change of {@code duration}, in delivery order. */
  public void run(SimulationSink sink) {
    run(Long.MAX_VALUE, sink);
  }

  /**
   * Like {@link #run(SimulationSink)} but stops after {@code maxFlows} flows; when the duration
   * ends first the run stops there. Returns the flows delivered.
   */
  public long run(long maxFlows, SimulationSink sink) {
    clusterState().forEach(sink::clusterState);
    CountingSink counting = new CountingSink(sink, maxFlows);
    TrafficEngine engine = engine();
    long end = nanos(settings.start().plus(settings.duration()));
    while (engine.now() < end && !counting.full()) {
      engine.advance(counting);
    }
    if (!counting.full()) {
      engine.finish(counting);
    }
    return counting.delivered;
  }

  /** Flows of the whole duration, lazily, in delivery order (cluster-state records left out). */
  public Iterator<LabeledFlow> flows() {
    return new FlowIterator(engine(), nanos(settings.start().plus(settings.duration())));
  }

  /** As {@link #flows()}, but not stopping at the duration: generation goes on as long as the caller pulls. */
  public Iterator<LabeledFlow> endlessFlows() {
    return new FlowIterator(engine(), Long.MAX_VALUE);
  }

  public Stream<LabeledFlow> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(flows(), Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** The first {@code count} flows (fewer if the duration ends first). */
  public List<LabeledFlow> generate(int count) {
    List<LabeledFlow> out = new ArrayList<>(Math.min(count, 1 << 20));
    run(count, (flow, key, label) -> out.add(new LabeledFlow(flow, key, label)));
    return out;
  }

  /** A fresh engine: every run starts from the seed. */
  TrafficEngine engine() {
    List<IntervalTraffic> traffic = new ArrayList<>();
    List<ClusterStateRecord> changes = new ArrayList<>();
    List<DeniedWindow> denied = new ArrayList<>();
    for (Episode e : freshEpisodes()) {
      if (e.traffic() != null) {
        traffic.add(e.traffic());
      }
      changes.addAll(e.stateChanges());
      denied.addAll(e.deniedWindows());
    }
    SplitMix64 root = new SplitMix64(settings.seed());
    return new TrafficEngine(callGraph, new DailyCurve(settings.start(), settings.timeCompression(), settings.dailyAmplitude()),
        nanos(settings.start()), settings.exportInterval().toNanos(), settings.outOfOrderBound().toNanos(), traffic, changes,
        denied, root.fork(4));
  }

  /** A fresh plan for each engine: episode traffic keeps random state, so it must not be shared between runs. */
  private List<Episode> freshEpisodes() {
    return EpisodePlanner.plan(settings, cluster, callGraph, policies, new SplitMix64(settings.seed()).fork(3));
  }

  static long nanos(java.time.Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static final class CountingSink implements SimulationSink {
    private final SimulationSink target;
    private final long max;
    private long delivered;

    CountingSink(SimulationSink target, long max) {
      this.target = target;
      this.max = max;
    }

    boolean full() {
      return delivered >= max;
    }

    @Override
    public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
      if (delivered < max) {
        delivered++;
        target.flow(flow, edgeKey, label);
      }
    }

    @Override
    public void clusterState(ClusterStateRecord record) {
      if (delivered < max) {
        target.clusterState(record);
      }
    }
  }

  private static final class FlowIterator implements Iterator<LabeledFlow>, SimulationSink {
    private final TrafficEngine engine;
    private final long end;
    private final ArrayDeque<LabeledFlow> ready = new ArrayDeque<>();
    private boolean finished;

    FlowIterator(TrafficEngine engine, long end) {
      this.engine = engine;
      this.end = end;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !finished) {
        if (engine.now() < end) {
          engine.advance(this);
        } else {
          engine.finish(this);
          finished = true;
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public LabeledFlow next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the simulation's duration has ended");
      }
      return ready.poll();
    }

    @Override
    public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
      ready.add(new LabeledFlow(flow, edgeKey, label));
    }
  }
}
