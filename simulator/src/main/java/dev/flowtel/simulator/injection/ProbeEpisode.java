package dev.flowtel.simulator.injection;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.FlowWriter.ProbeAnswer;
import dev.flowtel.simulator.flow.FlowWriter;
import dev.flowtel.simulator.flow.IntervalTraffic;
import java.util.List;

/**
 * PORT_SCAN and IP_SWEEP: one pod sends SYN probes at a steady pace spread over the episode,
 * one per target (a port of one pod, or an address of the pod CIDR), from one source port.
 */
final class ProbeEpisode implements IntervalTraffic {

  /** One probe's destination and how it is answered. */
  record Target(NetworkPeer peer, Endpoint endpoint, int port, ProbeAnswer answer, String edgeKey) {}

  private final GroundTruthLabel label;
  private final NetworkPeer scanner;
  private final int sourcePort;
  private final List<Target> targets;
  private final long startNanos;
  private final long spacingNanos;

  ProbeEpisode(GroundTruthLabel label, NetworkPeer scanner, int sourcePort, List<Target> targets, long startNanos, long endNanos) {
    this.label = label;
    this.scanner = scanner;
    this.sourcePort = sourcePort;
    this.targets = List.copyOf(targets);
    this.startNanos = startNanos;
    this.spacingNanos = Math.max(1, (endNanos - startNanos) / Math.max(1, targets.size()));
  }

  @Override
  public void generate(long from, long to, FlowWriter out) {
    long first = Math.max(0, ceilDiv(from - startNanos, spacingNanos));
    for (long i = first; i < targets.size(); i++) {
      long at = startNanos + i * spacingNanos;
      if (at >= to) {
        break;
      }
      Target t = targets.get((int) i);
      out.probe(scanner, t.peer(), t.endpoint(), sourcePort, t.port(), at, to, t.answer(), t.edgeKey(), label);
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
