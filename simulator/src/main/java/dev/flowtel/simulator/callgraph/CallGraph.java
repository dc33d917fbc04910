package dev.flowtel.simulator.callgraph;

import dev.flowtel.simulator.cluster.Workload;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every modelled call edge, in a fixed order; the only traffic clean runs produce. */
public final class CallGraph {

  private final List<CallEdge> edges;
  private final Set<String> clientServerPairs = new HashSet<>();

  CallGraph(List<CallEdge> edges) {
    this.edges = List.copyOf(edges);
    for (CallEdge e : edges) {
      clientServerPairs.add(e.clientId() + ">" + e.serverId());
    }
  }

  public List<CallEdge> edges() {
    return edges;
  }

  /** True when {@code client} calls {@code serverId} (namespace/service or external/name) on some port. */
  public boolean calls(Workload client, String serverId) {
    return clientServerPairs.contains(client.id() + ">" + serverId);
  }

  public List<CallEdge> edgesFrom(Workload client) {
    return edges.stream().filter(e -> e.clientWorkload() == client).toList();
  }

  public List<CallEdge> edgesTo(Workload server) {
    return edges.stream().filter(e -> e.service() != null && e.service().backend() == server).toList();
  }
}
