package dev.flowtel.simulator.injection;

import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.FlowWriter;
import dev.flowtel.simulator.flow.IntervalTraffic;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.List;

/** DENIED_SPIKE: a workload keeps trying a destination the policies deny; every attempt is DROPPED. */
final class DeniedSpikeEpisode implements IntervalTraffic {

  private final GroundTruthLabel label;
  private final List<NetworkPeer> clients;
  private final List<NetworkPeer> servers;
  private final int port;
  private final double perSecond;
  private final String edgeKey;
  private final long startNanos;
  private final long endNanos;
  private final SplitMix64 random;

  DeniedSpikeEpisode(GroundTruthLabel label, List<NetworkPeer> clients, List<NetworkPeer> servers, int port,
      double perSecond, String edgeKey, long startNanos, long endNanos, SplitMix64 random) {
    this.label = label;
    this.clients = List.copyOf(clients);
    this.servers = List.copyOf(servers);
    this.port = port;
    this.perSecond = perSecond;
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
    long attempts = random.nextPoisson(perSecond * (hi - lo) / 1e9);
    for (long i = 0; i < attempts; i++) {
      NetworkPeer client = clients.get(random.nextInt(clients.size()));
      NetworkPeer server = servers.get(random.nextInt(servers.size()));
      out.dropped(client, server, server.asServer(), out.clientPort(client), port, 6,
          lo + random.nextLong(hi - lo), to, edgeKey, label);
    }
  }
}
