package dev.flowtel.simulator.flow;

import dev.flowtel.simulator.cluster.NetworkPeer;
import dev.flowtel.simulator.random.SplitMix64;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Ephemeral source ports per client, handed out in turn from a random start through Linux's
 * default range 32768-60999, as the kernel does for connect(): a port comes back only after
 * 28232 more connections from that client, so two connections never share a 5-tuple within an
 * export interval (a collector would merge them into one flow). One per run.
 */
final class PortAllocator {

  static final int FIRST = 32768;
  static final int COUNT = 60999 - FIRST + 1;

  private final SplitMix64 random;
  private final Map<NetworkPeer, int[]> next = new IdentityHashMap<>();

  PortAllocator(SplitMix64 random) {
    this.random = random;
  }

  int next(NetworkPeer client) {
    int[] cursor = next.computeIfAbsent(client, c -> new int[] {random.nextInt(COUNT)});
    int port = FIRST + cursor[0];
    cursor[0] = cursor[0] + 1 == COUNT ? 0 : cursor[0] + 1;
    return port;
  }
}
