package dev.flowtel.simulator.flow;

import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.callgraph.CallEdge;
import dev.flowtel.simulator.callgraph.CallGraph;
import dev.flowtel.simulator.callgraph.DailyCurve;
import dev.flowtel.simulator.callgraph.TrafficShape;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the simulation one export interval at a time: opens new connections on every call edge
 * (Poisson arrivals at the edge's rate times the daily curve), lets episodes add theirs, writes
 * every open connection's flows for the interval, and hands the sink whatever can no longer be
 * overtaken by later flows. Long-lived connections are already open at the start, as in a
 * cluster that has been running for a while. Single-threaded; one engine per run.
 */
public final class TrafficEngine {

  private final CallGraph graph;
  private final DailyCurve curve;
  private final List<? extends IntervalTraffic> episodes;
  private final List<ClusterStateRecord> changes;
  private final List<DeniedWindow>[] deniedByEdge;
  private final SplitMix64 random;
  private final DeliveryQueue queue;
  private final FlowWriter writer;
  private final long intervalNanos;
  private long intervalStart;
  private int nextChange;

  @SuppressWarnings("unchecked")
  public TrafficEngine(CallGraph graph, DailyCurve curve, long startNanos, long intervalNanos, long outOfOrderBoundNanos,
      List<? extends IntervalTraffic> episodes, List<ClusterStateRecord> changes, List<DeniedWindow> denied,
      SplitMix64 random) {
    this.graph = graph;
    this.curve = curve;
    this.episodes = List.copyOf(episodes);
    this.changes = changes.stream().sorted(java.util.Comparator.comparing(ClusterStateRecord::at)).toList();
    this.deniedByEdge = new List[graph.edges().size()];
    for (DeniedWindow w : denied) {
      if (deniedByEdge[w.edgeIndex()] == null) {
        deniedByEdge[w.edgeIndex()] = new ArrayList<>();
      }
      deniedByEdge[w.edgeIndex()].add(w);
    }
    this.random = random;
    this.intervalNanos = intervalNanos;
    this.intervalStart = startNanos;
    this.queue = new DeliveryQueue(startNanos, intervalNanos, outOfOrderBoundNanos);
    this.writer = new FlowWriter(queue, random.fork(0x6A177E5L), random.fork(0x9027L));
    openWarmConnections(startNanos);
  }

  /** Start of the next interval to generate. */
  public long now() {
    return intervalStart;
  }

  public long flowsWritten() {
    return writer.written();
  }

  /** Generates one export interval and delivers everything no later flow can overtake. */
  public void advance(SimulationSink sink) {
    long from = intervalStart;
    long to = from + intervalNanos;
    while (nextChange < changes.size() && changes.get(nextChange).at().toEpochMilli() * 1_000_000L < to) {
      ClusterStateRecord change = changes.get(nextChange++);
      queue.add(change, Math.max(from, change.at().toEpochMilli() * 1_000_000L));
    }
    double rateFactor = curve.at(from + intervalNanos / 2) * intervalNanos / 1e9;
    for (CallEdge edge : graph.edges()) {
      long arrivals = random.nextPoisson(edge.connectionsPerSecond() * rateFactor);
      for (long i = 0; i < arrivals; i++) {
        connect(edge, from + random.nextLong(intervalNanos), to);
      }
    }
    for (IntervalTraffic episode : episodes) {
      episode.generate(from, to, writer);
    }
    writer.emitOpenConnections(from, to);
    intervalStart = to;
    queue.deliverUntil(to, sink);
  }

  /** Delivers everything still queued; call once after the last {@link #advance}. */
  public void finish(SimulationSink sink) {
    queue.deliverAll(sink);
  }

  private void openWarmConnections(long startNanos) {
    double curveNow = curve.at(startNanos);
    for (CallEdge edge : graph.edges()) {
      TrafficShape shape = edge.shape();
      if (shape.meanSeconds() * 1e9 < intervalNanos) {
        continue;
      }
      long open = random.nextPoisson(edge.connectionsPerSecond() * curveNow * shape.meanSeconds());
      for (long i = 0; i < open; i++) {
        long age = (long) (random.nextExponential(shape.meanSeconds()) * 1e9);
        long remaining = Math.max(1_000_000L, (long) (random.nextExponential(shape.meanSeconds()) * 1e9));
        writer.open(connection(edge, startNanos - age, age + remaining, null));
      }
    }
  }

  private void connect(CallEdge edge, long at, long to) {
    List<DeniedWindow> windows = deniedByEdge[edge.index()];
    if (windows != null) {
      for (DeniedWindow w : windows) {
        if (at >= w.fromNanos() && at < w.toNanos()) {
          NetworkPeer client = pick(edge.clients());
          NetworkPeer server = pick(edge.servers());
          writer.dropped(client, server, server.asServer(), writer.clientPort(client), edge.port().port(),
              edge.port().protocolNumber(), at, to, edge.key(), w.label());
          return;
        }
      }
    }
    long duration = Math.max(100_000L, (long) (random.nextExponential(edge.shape().meanSeconds()) * 1e9));
    writer.open(connection(edge, at, duration, null));
  }

  private Connection connection(CallEdge edge, long start, long durationNanos, GroundTruthLabel label) {
    TrafficShape shape = edge.shape();
    NetworkPeer client = pick(edge.clients());
    NetworkPeer server = pick(edge.servers());
    double seconds = durationNanos / 1e9;
    double request = shape.requestBytes() * random.nextLogNormal(1, 0.5) + shape.requestBytesPerSecond() * seconds;
    double response = shape.responseBytes() * random.nextLogNormal(1, 0.7) + shape.responseBytesPerSecond() * seconds;
    long rtt = shape.tcp() ? Math.max(20, (long) (shape.rttMicros() * random.nextLogNormal(1, 0.3))) : 0;
    boolean reset = shape.tcp() && random.chance(shape.resetProbability());
    int clientPort = writer.clientPort(client);
    int serverPort = edge.port().port();
    int protocol = edge.port().protocolNumber();
    return new Connection(client, client.asClient(), server, server.asServer(), clientPort, serverPort, protocol, start,
        start + durationNanos, request, response, rtt, reset,
        writer.communityId(client, server, protocol, clientPort, serverPort), edge.key(), label);
  }

  private NetworkPeer pick(List<NetworkPeer> peers) {
    return peers.size() == 1 ? peers.get(0) : peers.get(random.nextInt(peers.size()));
  }
}
