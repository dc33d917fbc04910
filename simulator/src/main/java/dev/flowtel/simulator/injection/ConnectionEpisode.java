package dev.flowtel.simulator.injection;

import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.Connection;
import dev.flowtel.simulator.flow.FlowWriter;
import dev.flowtel.simulator.flow.IntervalTraffic;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.List;

/**
 * NEW_EDGE, POLICY_VIOLATION, EXTERNAL_EGRESS and VOLUME_BURST: ordinary-looking connections
 * (forwarded, both directions, both observation points) from a workload's pods to a destination
 * it should not be talking to, or not that much. Either Poisson arrivals at {@code perSecond}, or
 * ({@code parallel} &gt; 0) that many connections open for the whole episode.
 */
final class ConnectionEpisode implements IntervalTraffic {

  private final GroundTruthLabel label;
  private final List<NetworkPeer> clients;
  private final List<NetworkPeer> servers;
  private final int port;
  private final int protocol;
  private final double perSecond;
  private final int parallel;
  private final double meanSeconds;
  private final double requestBytesPerSecond;
  private final double responseBytesPerSecond;
  private final double requestBytes;
  private final double responseBytes;
  private final long rttMicros;
  private final String edgeKey;
  private final long startNanos;
  private final long endNanos;
  private final SplitMix64 random;

  ConnectionEpisode(GroundTruthLabel label, List<NetworkPeer> clients, List<NetworkPeer> servers, int port, int protocol,
      double perSecond, int parallel, double meanSeconds, double requestBytes, double requestBytesPerSecond,
      double responseBytes, double responseBytesPerSecond, long rttMicros, String edgeKey, long startNanos, long endNanos,
      SplitMix64 random) {
    this.label = label;
    this.clients = List.copyOf(clients);
    this.servers = List.copyOf(servers);
    this.port = port;
    this.protocol = protocol;
    this.perSecond = perSecond;
    this.parallel = parallel;
    this.meanSeconds = meanSeconds;
    this.requestBytes = requestBytes;
    this.requestBytesPerSecond = requestBytesPerSecond;
    this.responseBytes = responseBytes;
    this.responseBytesPerSecond = responseBytesPerSecond;
    this.rttMicros = rttMicros;
    this.edgeKey = edgeKey;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.random = random;
  }

  @Override
  public void generate(long from, long to, FlowWriter out) {
    long lo = Math.max(from, startNanos);
    long hi = Math.min(to, endNanos);
    if (lo >= hi) {
      return;
    }
    if (parallel > 0) {
      if (startNanos >= from && startNanos < to) {
        for (int i = 0; i < parallel; i++) {
          out.open(connection(out, startNanos + i * 1_000_000L, endNanos - startNanos - i * 1_000_000L - 1));
        }
      }
      return;
    }
    long arrivals = random.nextPoisson(perSecond * (hi - lo) / 1e9);
    for (long i = 0; i < arrivals; i++) {
      long at = lo + random.nextLong(hi - lo);
      long duration = Math.max(100_000L, Math.min(endNanos - at, (long) (random.nextExponential(meanSeconds) * 1e9)));
      out.open(connection(out, at, duration));
    }
  }

  private Connection connection(FlowWriter out, long at, long durationNanos) {
    NetworkPeer client = clients.get(random.nextInt(clients.size()));
    NetworkPeer server = servers.get(random.nextInt(servers.size()));
    int clientPort = out.clientPort(client);
    double seconds = durationNanos / 1e9;
    return new Connection(client, client.asClient(), server, server.asServer(), clientPort, port, protocol, at,
        at + durationNanos, requestBytes + requestBytesPerSecond * seconds, responseBytes + responseBytesPerSecond * seconds,
        protocol == 6 ? rttMicros : 0, false, out.communityId(client, server, protocol, clientPort, port), edgeKey, label);
  }
}
